"""The warehouse on an S3-compatible object store (MOTCUA_STORAGE=s3): the same filing and
opening, with the bytes in a bucket. moto's server stands in for the province's object
store, which lies outside this machine; the storage talks to it over HTTP as it would to
the real one."""

import io
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage, storages
from moto.server import ThreadedMotoServer

from motcua.env import S3_STORAGE, storage_setting
from motcua.identity.models import Role
from motcua.warehouse.models import Document, StoredFile
from motcua.warehouse.services import blob_name, open_document, store_result, store_upload
from motcua.warehouse.uploads import Rejected
from tests.warehouse.conftest import pdf

CERTIFICATE = pdf(2, text="Giấy chứng nhận kết hôn")
# moto accepts any keys; these are not secrets of any real store.
KEYS = {"MOTCUA_S3_ACCESS_KEY": "motcua-test", "MOTCUA_S3_SECRET_KEY": "motcua-test"}
REGION = "ap-southeast-1"


@pytest.fixture(scope="module")
def object_store():
    """The endpoint of a local S3-compatible server, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(object_store, settings, media):
    """A fresh bucket, made the default storage (the `media` fixture's override replaced).

    Overriding STORAGES empties Django's cache of storages (the `setting_changed` handler
    in django.test.signals), so `default_storage` is built anew from these settings."""
    name = f"motcua-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=object_store,
        region_name=REGION,
        aws_access_key_id=KEYS["MOTCUA_S3_ACCESS_KEY"],
        aws_secret_access_key=KEYS["MOTCUA_S3_SECRET_KEY"],
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    environ = {
        "MOTCUA_STORAGE": "s3",
        "MOTCUA_S3_BUCKET": name,
        "MOTCUA_S3_ENDPOINT_URL": object_store,
        "MOTCUA_S3_REGION": REGION,
        "MOTCUA_S3_ADDRESSING_STYLE": "path",
        **KEYS,
    }
    settings.STORAGES = {**settings.STORAGES, "default": storage_setting(environ)}
    yield Bucket(client, name)


class Bucket:
    def __init__(self, client, name: str) -> None:
        self.client = client
        self.name = name

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def upload(user, document_type, content=CERTIFICATE):
    return store_upload(
        user, owner=user.citizen, document_type=document_type, files=io.BytesIO(content)
    )


# --- the setting ------------------------------------------------------------------------


def test_without_a_setting_files_go_to_disk():
    assert storage_setting({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_dotted_path_is_used_as_the_storage_class():
    chosen = storage_setting({"MOTCUA_STORAGE": "myprovince.storage.Vault"})
    assert chosen == {"BACKEND": "myprovince.storage.Vault"}


def test_s3_selects_the_s3_storage_with_its_options_from_the_environment():
    chosen = storage_setting(
        {
            "MOTCUA_STORAGE": "s3",
            "MOTCUA_S3_BUCKET": "motcua-warehouse",
            "MOTCUA_S3_ENDPOINT_URL": "https://s3.quangninh.gov.vn",
            "MOTCUA_S3_REGION": "vn-qn-1",
            "MOTCUA_S3_ACCESS_KEY": "access",
            "MOTCUA_S3_SECRET_KEY": "secret",
        }
    )
    assert chosen == {
        "BACKEND": S3_STORAGE,
        "OPTIONS": {
            "bucket_name": "motcua-warehouse",
            "endpoint_url": "https://s3.quangninh.gov.vn",
            "region_name": "vn-qn-1",
            "access_key": "access",
            "secret_key": "secret",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }


def test_s3_without_keys_leaves_them_to_boto3():
    chosen = storage_setting({"MOTCUA_STORAGE": "S3", "MOTCUA_S3_BUCKET": "motcua"})
    assert chosen["BACKEND"] == S3_STORAGE
    assert "access_key" not in chosen["OPTIONS"]
    assert "secret_key" not in chosen["OPTIONS"]


def test_s3_without_a_bucket_is_a_configuration_error_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_S3_BUCKET"):
        storage_setting({"MOTCUA_STORAGE": "s3", "MOTCUA_S3_ENDPOINT_URL": "https://s3.local"})


def test_s3_with_only_one_of_the_two_keys_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_S3_SECRET_KEY"):
        storage_setting(
            {"MOTCUA_STORAGE": "s3", "MOTCUA_S3_BUCKET": "motcua", "MOTCUA_S3_ACCESS_KEY": "a"}
        )


# --- the warehouse on the object store ----------------------------------------------------


def test_the_default_storage_is_the_object_store(bucket):
    assert type(storages["default"]).__name__ == "S3Storage"
    assert default_storage.bucket_name == bucket.name


def test_a_stored_document_is_in_the_bucket_under_its_content_hash(applicant, marriage, bucket):
    document = upload(applicant, marriage)
    assert bucket.keys() == [blob_name(document.file.sha256)]
    assert document.file.name == blob_name(document.file.sha256)
    assert bucket.read(document.file.name) == CERTIFICATE


def test_the_same_file_stored_twice_is_one_object(applicant, marriage, diploma, bucket):
    first = upload(applicant, marriage)
    again = upload(applicant, marriage)
    other_type = upload(applicant, diploma)
    assert again == first
    assert other_type.file == first.file
    assert len(bucket.keys()) == 1


def test_opening_a_document_reads_its_bytes_from_the_bucket(applicant, marriage, bucket):
    document = upload(applicant, marriage)
    opened = open_document(applicant, document, "owner's download")
    try:
        assert opened.read() == CERTIFICATE
    finally:
        opened.close()


def test_a_refused_upload_writes_no_object(applicant, marriage, bucket):
    with pytest.raises(Rejected):
        upload(applicant, marriage, b"")
    assert bucket.keys() == []
    assert not StoredFile.objects.exists()
    assert not Document.objects.exists()


def test_a_dossiers_result_is_filed_into_the_bucket(submit, staff, marriage, bucket):
    dossier = submit()
    result = pdf(text="Giấy khai sinh bản điện tử")
    document = store_result(
        dossier, staff[Role.ONE_STOP_OFFICER], document_type=marriage, files=io.BytesIO(result)
    )
    assert bucket.keys() == [document.file.name]
    assert bucket.read(document.file.name) == result
