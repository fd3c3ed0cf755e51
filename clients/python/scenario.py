"""A short programme scenario through the generated Python client (openapi-python-client).

Usage: python scenario.py BASE_URL STAFF_EMAIL STAFF_PASSWORD

staff login -> a mentor registers (with project) -> uploads the contact sheet (raw httpx: the
generator skips binary request bodies) -> staff confirm and activate -> the mentor proposes a
webinar that already took place -> staff approve -> the mentor records it as held and documents
it -> sessions are listed -> the mentor's credit report counts the webinar.
Run by scripts/check-clients against a live release server.
"""

import datetime
import sys

import httpx
from mentoring_api_client import AuthenticatedClient, Client
from mentoring_api_client.api.auth import create_token, get_me
from mentoring_api_client.api.credit_reports import get_credit_report
from mentoring_api_client.api.participants import (
    activate_participant,
    confirm_contact_sheet,
    create_registration,
    get_participant,
)
from mentoring_api_client.api.sessions import (
    approve_session,
    document_session,
    hold_session,
    list_sessions,
    propose_session,
)
from mentoring_api_client.api.topics import list_topics
from mentoring_api_client.models import (
    ApprovalRequest,
    CreditReport,
    DocumentationRequest,
    HoldingRequest,
    Me,
    NewSessionRequest,
    ParticipantResponse,
    PasswordCredentials,
    RegistrationAccepted,
    RegistrationRequest,
    SessionList,
    SessionResponse,
    TokenResponse,
    TopicPage,
    TopicStatus,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \ntrailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
PASSWORD = "ein langes Passwort für das Szenario"


def expect(value, kind):
    """The typed result, or stop with the problem the server sent."""
    if not isinstance(value, kind):
        raise SystemExit(f"expected {kind.__name__}, got {value!r}")
    return value


def login(base_url, email, password):
    body = PasswordCredentials(email=email, password=password)
    token = expect(create_token.sync(client=Client(base_url), body=body), TokenResponse)
    return AuthenticatedClient(base_url, token=token.access_token)


def main(base_url, staff_email, staff_password):
    staff = login(base_url, staff_email, staff_password)

    registration = RegistrationRequest.from_dict({
        "salutation": "ms", "first_name": "Greta", "last_name": "Sonnenschein",
        "email": "greta.sonnenschein@example.org", "phone": "+49 341 1234567",
        "password": PASSWORD, "experience": "experienced", "roles": ["mentor"],
        "consents": {"directory": True, "newsletter_welcome": True},
        "project": {"kind": "follow_up_project", "employer": "Stadt Leipzig", "municipality": "Leipzig",
                    "federal_state": "SN", "funding_reference": "67K54321",
                    "start_date": "2025-01-01", "end_date": "2027-12-31"},
    })
    # 202 without the record, the same for an address that is already registered: the new
    # participant logs in and finds their record through /me.
    expect(create_registration.sync(client=Client(base_url), body=registration), RegistrationAccepted)
    mentor = login(base_url, "greta.sonnenschein@example.org", PASSWORD)
    participant = expect(get_me.sync(client=mentor), Me).participant_id
    created = expect(get_participant.sync(participant, client=mentor), ParticipantResponse)
    project = created.current_project.id
    assert created.status.value == "pending", created.status

    sheet = httpx.put(
        f"{base_url}/api/v1/participants/{participant}/projects/{project}/contact-sheet",
        headers={"authorization": f"Bearer {mentor.token}", "content-type": "application/pdf"},
        content=PDF,
    )
    assert sheet.status_code == 200, sheet.text
    confirm_contact_sheet.sync(participant, project, client=staff)
    active = expect(activate_participant.sync(participant, client=staff), ParticipantResponse)
    assert active.status.value == "active", active.status

    topics = expect(list_topics.sync(client=mentor, status=TopicStatus.ACCEPTED, limit=50), TopicPage)
    starts = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=3)
    proposal = NewSessionRequest.from_dict({
        "format_code": "webinar", "title": "Wärmeplanung kompakt",
        "guiding_question": "Wie starten Kommunen die Wärmeplanung?",
        "topic_ids": [topics.items[0].id], "co_mentor_ids": [],
        "starts_at": starts.isoformat(), "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
        "online": True,
    })
    session = expect(propose_session.sync(client=mentor, body=proposal), SessionResponse)
    approved = approve_session.sync(session.id, client=staff, body=ApprovalRequest(capacity_override=False))
    assert expect(approved, SessionResponse).state.value == "approved"
    hold_body = HoldingRequest.from_dict({"people_reached": 25})
    expect(hold_session.sync(session.id, client=mentor, body=hold_body), SessionResponse)
    documentation = DocumentationRequest.from_dict({
        "summary": "Zwei Impulse zur kommunalen Wärmeplanung, danach Diskussion.",
        "results": "Checkliste für den Einstieg.", "people_reached": 25, "case_examples": [],
    })
    documented = document_session.sync(session.id, client=mentor, body=documentation)
    assert getattr(documented, "state", None) is not None, documented

    listed = expect(list_sessions.sync(client=staff, limit=20), SessionList)
    assert any(s.id == session.id for s in listed.items), listed

    report = expect(get_credit_report.sync(participant, client=mentor), CreditReport)
    assert report.total_hours > 0, report
    assert any(t.format_code == "webinar" for t in report.totals), report.totals
    print(f"python client scenario passed: participant {participant}, session {session.id} documented, "
          f"credit report {report.total_hours} h ({report.status.value})")


if __name__ == "__main__":
    main(*sys.argv[1:4])
