"""Done when: one birth-registration dossier walks the five steps in a real browser, each
step taken by an officer of its role, and the control slip names every hand-over."""

from django.utils import translation
from playwright.sync_api import expect

from motcua.catalog.models import Step
from motcua.catalog.services import set_step_template
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.identity.models import Role
from motcua.identity.services import create_staff_user, grant_role
from tests.dossiers.conftest import applicant, birth, catalog, commune_pc, submit  # noqa: F401
from tests.identity.accounts.helpers import browser_second_factor, enrol_totp
from tests.registry.conftest import communes, make_citizen  # noqa: F401

PASSWORD = "Mat-khau-du-dai-2026"
OFFICERS = {
    Role.ONE_STOP_OFFICER: ("motcua-ha", "Phạm Thu Hà"),
    Role.CLERK: ("luutru-hung", "Đỗ Văn Hùng"),
    Role.SPECIALIST: ("tuphap-mai", "Lê Thị Mai"),
    Role.LEADER: ("chutich-bao", "Hoàng Quốc Bảo"),
}


def log_in(browser, live_server, user, secret):
    """A browser context of its own per officer, logged in with password and code."""
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/backoffice/login/?next=/backoffice/dossiers/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    browser_second_factor(page, secret)
    page.wait_for_url("**/backoffice/dossiers/")
    return page


def act(page, action, hand_to=None, **fields):
    """Fill the action's form on the dossier page and send it."""
    form = page.locator(f"form:has(input[name=action][value={action}])")
    for name, value in fields.items():
        form.locator(f"[name={action}-{name}]").fill(value)
    if hand_to is not None:
        form.locator(f"select[name={action}-to_user]").select_option(str(hand_to.pk))
    form.locator("button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()


def test_a_birth_registration_walks_the_five_steps_with_four_roles(
    browser,
    live_server,
    birth,  # noqa: F811
    commune_pc,  # noqa: F811
    submit,  # noqa: F811
):
    set_step_template(
        birth,
        {
            Step.RECEIVE: (Role.ONE_STOP_OFFICER, 10),
            Step.DIGITISE: (Role.CLERK, 10),
            Step.APPRAISE: (Role.SPECIALIST, 50),
            Step.APPROVE: (Role.LEADER, 20),
            Step.RETURN: (Role.ONE_STOP_OFFICER, 10),
        },
    )
    people, secrets = {}, {}
    for role, (username, name) in OFFICERS.items():
        people[role] = create_staff_user(username, full_name=name, password=PASSWORD)
        grant_role(people[role], role, agency=commune_pc)
        secrets[role] = enrol_totp(people[role])
    officer, clerk, specialist, leader = (
        people[Role.ONE_STOP_OFFICER],
        people[Role.CLERK],
        people[Role.SPECIALIST],
        people[Role.LEADER],
    )
    dossier = submit()
    detail = f"/backoffice/dossiers/{dossier.code}/"

    # 1. The one-stop officer finds it in the agency's queue, receives it, names the clerk.
    desk = log_in(browser, live_server, officer, secrets[Role.ONE_STOP_OFFICER])
    desk.goto("/backoffice/dossiers/?tab=agency")
    desk.get_by_role("link", name=dossier.code).click()
    act(desk, "receive", hand_to=clerk, note="Đủ thành phần hồ sơ")

    # 2. The clerk finds it in their own queue and digitises it for the specialist.
    records = log_in(browser, live_server, clerk, secrets[Role.CLERK])
    records.get_by_role("link", name=dossier.code).click()
    act(records, "digitise", hand_to=specialist)

    # 3. The specialist appraises it for the leader.
    appraisal = log_in(browser, live_server, specialist, secrets[Role.SPECIALIST])
    appraisal.get_by_role("link", name=dossier.code).click()
    act(appraisal, "appraise", hand_to=leader, opinion="Hồ sơ hợp lệ, đề nghị cấp giấy khai sinh")

    # 4. The leader approves and hands the return back to the one-stop officer.
    signing = log_in(browser, live_server, leader, secrets[Role.LEADER])
    signing.get_by_role("link", name=dossier.code).click()
    act(signing, "approve", hand_to=officer, result_summary="Giấy khai sinh bản điện tử")

    # 5. The one-stop officer returns the result.
    desk.goto(detail)
    act(desk, "return")

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESULT_RETURNED
    assert Dossier.objects.count() == 1

    lines = desk.locator("table.slip tbody tr:not(.note)")
    expect(lines).to_have_count(5)
    handed_to = [clerk, specialist, leader, officer]
    handed_by = [officer, clerk, specialist, leader]
    for index in range(1, 5):
        line = lines.nth(index)
        cells = line.locator("td")
        expect(cells.nth(1)).to_contain_text(handed_by[index - 1].full_name)
        expect(cells.nth(2)).to_contain_text(handed_to[index - 1].full_name)
    # The first line came from the applicant to the one-stop officers' role.
    with translation.override("vi"):
        role = str(Role.ONE_STOP_OFFICER.label)
    expect(lines.nth(0).locator("td").nth(2)).to_contain_text(role)
    for index in range(5):
        expect(lines.nth(index).locator(".timeliness")).to_be_visible()
