import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from motcua.security.chain import verify_chain
from motcua.security.models import AuditAction, AuditRecord
from motcua.security.services import record


def write_records(count: int) -> list[AuditRecord]:
    return [
        record(
            AuditAction.READ,
            object_type="registry.citizen",
            object_id=str(n),
            object_repr=f"Citizen {n}",
            purpose="Kiểm tra hồ sơ",
            data={"n": n},
        )
        for n in range(count)
    ]


def verify_output(capsys) -> str:
    call_command("audit", "verify")
    return capsys.readouterr().out


@pytest.mark.django_db
def test_untouched_chain_verifies(capsys):
    write_records(5)
    assert "OK: 5 audit records" in verify_output(capsys)


@pytest.mark.django_db
def test_verify_names_a_row_edited_directly_in_sql():
    records = write_records(6)
    target = records[3]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE security_auditrecord SET purpose = %s WHERE id = %s",
            ["Tra cứu trái phép", target.pk],
        )
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    message = str(failure.value)
    assert f"sequence {target.sequence} (id {target.pk})" in message
    assert "edited" in message


@pytest.mark.django_db
def test_verify_notices_a_deleted_row():
    records = write_records(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_auditrecord WHERE id = %s", [records[2].pk])
    report = verify_chain()
    assert not report.ok
    assert report.broken_sequence == records[3].sequence
    assert "deleted" in report.problem


@pytest.mark.django_db
def test_verify_notices_the_last_rows_deleted():
    records = write_records(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_auditrecord WHERE id = %s", [records[-1].pk])
    report = verify_chain()
    assert not report.ok and "end" in report.problem


@pytest.mark.django_db
def test_verify_notices_two_rows_swapped():
    first, second = write_records(2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE security_auditrecord SET sequence = -1 WHERE id = %s", [first.pk])
        cursor.execute(
            "UPDATE security_auditrecord SET sequence = %s WHERE id = %s",
            [first.sequence, second.pk],
        )
        cursor.execute(
            "UPDATE security_auditrecord SET sequence = %s WHERE id = %s",
            [second.sequence, first.pk],
        )
    report = verify_chain()
    assert not report.ok
    assert report.broken_sequence == first.sequence


@pytest.mark.django_db
def test_a_record_written_in_a_transaction_that_rolls_back_leaves_no_gap():
    from django.db import transaction

    write_records(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        write_records(1)
        raise RuntimeError("the change failed")
    write_records(1)
    report = verify_chain()
    assert report.ok and report.records == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unforked_chain():
    writers, per_writer = 8, 25
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for n in range(per_writer):
                record(
                    AuditAction.READ,
                    object_type="registry.citizen",
                    object_id=f"{number}-{n}",
                    purpose="concurrency",
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_chain()
    assert report.ok, str(report)
    assert report.records == writers * per_writer
    sequences = list(AuditRecord.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, writers * per_writer + 1))
