// panva's oidc-provider (OpenID Certified) as the portal's identity provider,
// for the interop tests in tests/interop/test_interop.py. Not for anything else.
//
//   node provider.mjs <port> <portal base URL> <signing algorithm> <key generation>
//
// Clients, one per login mode the tests run:
//   basic-secret-basic  client_secret_basic, a secret with + / = space %; JSON userinfo
//   basic-secret-post   client_secret_post; userinfo as a signed JWT
//   ftn                 private_key_jwt, signed request objects (JAR),
//                       encrypted ID token and userinfo (RSA-OAEP-256, A256GCM)
// All have back-channel logout. The person and level of assurance of the next
// sign-in are set with POST /test/next-login (JSON); the interaction then
// finishes without a form, so the tests need no HTML parsing here.
import http from "node:http";
import crypto from "node:crypto";
import Provider from "oidc-provider";

const [port, portal, algorithm = "RS256", generation = "1"] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const SECRET = "p+s/w= rd%26:x"; // printable ASCII only (RFC 6749 VSCHAR)
const IDENTITY = "urn:oid:1.2.246.21";
const GIVEN = "urn:oid:2.5.4.42";
const FAMILY = "urn:oid:2.5.4.4";
const PEOPLE = {
  "010280-952L": ["Aino", "Virtanen"],
  "150375-990C": ["Mikko", "Korhonen"],
};

// A new key per generation: restarting with another generation is a rotation.
function signingKey() {
  const options = algorithm === "ES256" ? { namedCurve: "P-256" } : { modulusLength: 2048 };
  const { privateKey } = crypto.generateKeyPairSync(algorithm === "ES256" ? "ec" : "rsa", options);
  const jwk = privateKey.export({ format: "jwk" });
  return { ...jwk, use: "sig", alg: algorithm, kid: `gen-${generation}-${algorithm}` };
}

function client(audience, id, extra) {
  const prefix = audience === "staff" ? "/staff" : "";
  return {
    client_id: id,
    redirect_uris: [`${portal}${prefix}/login/callback`],
    post_logout_redirect_uris: [`${portal}${prefix}/logged-out`],
    backchannel_logout_uri: `${portal}${prefix}/login/backchannel-logout`,
    backchannel_logout_session_required: true,
    grant_types: ["authorization_code"],
    response_types: ["code"],
    id_token_signed_response_alg: algorithm,
    ...extra,
  };
}

let nextLogin = { person: "010280-952L", acr: "http://eidas.europa.eu/LoA/substantial" };

const provider = new Provider(issuer, {
  clients: [
    client("client", "basic-secret-basic", { client_secret: SECRET, token_endpoint_auth_method: "client_secret_basic" }),
    client("client", "basic-secret-post", {
      client_secret: SECRET,
      token_endpoint_auth_method: "client_secret_post",
      userinfo_signed_response_alg: algorithm,
    }),
    client("client", "ftn", {
      token_endpoint_auth_method: "private_key_jwt",
      token_endpoint_auth_signing_alg: "RS256",
      jwks_uri: `${portal}/.well-known/jwks.json`,
      require_signed_request_object: true,
      request_object_signing_alg: "RS256",
      id_token_encrypted_response_alg: "RSA-OAEP-256",
      id_token_encrypted_response_enc: "A256GCM",
      userinfo_signed_response_alg: algorithm,
      userinfo_encrypted_response_alg: "RSA-OAEP-256",
      userinfo_encrypted_response_enc: "A256GCM",
    }),
  ],
  jwks: { keys: [signingKey()] },
  acrValues: [
    "http://eidas.europa.eu/LoA/substantial",
    "http://eidas.europa.eu/LoA/high",
    "http://ftn.ficora.fi/2017/loa2",
    "http://ftn.ficora.fi/2017/loa3",
  ],
  claims: { openid: ["sub"], profile: [IDENTITY, GIVEN, FAMILY] },
  scopes: ["openid", "profile"],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    encryption: { enabled: true },
    jwtUserinfo: { enabled: true },
    requestObjects: { enabled: true, requireSignedRequestObject: false },
    rpInitiatedLogout: { enabled: true },
  },
  enabledJWA: {
    idTokenSigningAlgValues: ["RS256", "PS256", "ES256"],
    userinfoSigningAlgValues: ["RS256", "PS256", "ES256"],
    requestObjectSigningAlgValues: ["RS256", "PS256", "ES256"],
    clientAuthSigningAlgValues: ["RS256", "PS256", "ES256"],
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const [given, family] = PEOPLE[id.slice("acct-".length)] || ["Testi", "Henkilö"];
    return {
      accountId: id,
      async claims() {
        return { sub: id, [IDENTITY]: id.slice("acct-".length), [GIVEN]: given, [FAMILY]: family };
      },
    };
  },
  // First-party clients: the person is not asked for consent.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid profile");
    grant.addOIDCClaims([IDENTITY, GIVEN, FAMILY]);
    await grant.save();
    return grant;
  },
  // Its SSRF guard refuses loopback addresses; here both ends are on loopback.
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 300, AuthorizationCode: 60, IdToken: 300 },
});
provider.on("server_error", (_ctx, error) => console.error("server_error", error));
provider.on("backchannel.error", (_client, error) => console.error("backchannel.error", error.message));

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    if (req.method === "POST" && req.url === "/test/next-login") {
      let body = "";
      for await (const chunk of req) body += chunk;
      nextLogin = JSON.parse(body);
      res.writeHead(204).end();
      return;
    }
    if (req.url.startsWith("/interaction/")) {
      const details = await provider.interactionDetails(req, res);
      const result =
        details.prompt.name === "login"
          ? { login: { accountId: `acct-${nextLogin.person}`, acr: nextLogin.acr } }
          : { consent: {} };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (error) {
    console.error(error);
    res.writeHead(500).end(String(error));
  }
});
server.listen(Number(port), "127.0.0.1", () => console.log(`ready ${issuer}`));
