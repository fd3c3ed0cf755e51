// Compile-time check of the generated types: a tiny openapi-fetch client that logs in, registers
// a participant and lists sessions. Only type-checked (tsc --strict --noEmit), never run.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema";

type Registration = components["schemas"]["RegistrationRequest"];

export async function scenario(baseUrl: string): Promise<number> {
  const client = createClient<paths>({ baseUrl });
  const login = await client.POST("/api/v1/auth/token", {
    body: { email: "staff@example.org", password: "ein langes Passwort" },
  });
  if (!login.data) throw new Error(`login failed: ${login.response.status}`);
  const token: string = login.data.access_token;

  const registration: Registration = {
    salutation: "ms",
    first_name: "Erika",
    last_name: "Mustermann",
    email: "erika@example.org",
    phone: "+49 30 1234567",
    password: "ein langes Passwort",
    experience: "some",
    roles: ["mentee"],
    consents: { directory: true, newsletter_welcome: true },
    project: {
      kind: "first_project",
      employer: "Stadt Musterstadt",
      municipality: "Musterstadt",
      federal_state: "NW",
      funding_reference: "67K12345",
      start_date: "2025-01-01",
      end_date: "2027-12-31",
    },
  };
  // 202 without the record (the same answer for an address already registered): the new
  // participant logs in and finds their record through /me.
  const accepted = await client.POST("/api/v1/registrations", { body: registration });
  if (!accepted.data) throw new Error(`registration failed: ${accepted.error?.title}`);
  const own = await client.POST("/api/v1/auth/token", {
    body: { email: registration.email, password: registration.password },
  });
  if (!own.data) throw new Error(`login failed: ${own.response.status}`);
  const me = await client.GET("/api/v1/me", {
    headers: { authorization: `Bearer ${own.data.access_token}` },
  });
  const participantId: number | null | undefined = me.data?.participant_id;
  if (participantId == null) throw new Error("no participant behind the new account");

  const sessions = await client.GET("/api/v1/sessions", {
    params: { query: { state: "approved", limit: 20 } },
    headers: { authorization: `Bearer ${token}` },
  });
  const titles: string[] = (sessions.data?.items ?? []).map((s) => s.title);
  return participantId + titles.length;
}
