//! Who is calling, and what they may do. Identity comes only from a verified token: on AWS the
//! HTTP API's JWT authorizer verifies it and hands its claims over in the request context; on
//! the local stack with `--auth`, the function verifies a token of the local issuer itself.
//! Either way every function checks the route's scope again (defence in depth).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What a route needs the caller's token to allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    /// Operations on the system itself or a person's whole record (erasure, rebuild).
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    /// The OAuth scope, as the resource server and tokens spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Scope::Read => "crm/read",
            Scope::Write => "crm/write",
            Scope::Admin => "crm/admin",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("a bearer token is required")]
    Missing,
    #[error("the bearer token is not valid: {0}")]
    Invalid(&'static str),
    #[error("the token does not grant the {} scope", .0.name())]
    MissingScope(Scope),
}

/// The verified caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`: who the audit trail names. `None` only where auth is off.
    pub subject: Option<String>,
}

/// How a function learns who calls it: `AUTH_MODE` = `gateway` | `local` | `open`.
#[derive(Clone, Debug)]
pub enum Auth {
    /// No authentication (the local stack without `--auth`, as `sam local` is; tests).
    Open,
    /// API Gateway's JWT authorizer verified the token; its claims are in the request context.
    /// A request without them is refused: the route was deployed without the authorizer.
    Gateway,
    /// Tokens of the local issuer (`cargo xtask dev --auth`), verified here.
    Local(LocalIssuer),
}

impl Auth {
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("AUTH_MODE").as_deref() {
            Ok("gateway") => Ok(Auth::Gateway),
            Ok("open") => Ok(Auth::Open),
            Ok("local") => {
                let secret = std::env::var("AUTH_LOCAL_SECRET")
                    .map_err(|_| "AUTH_MODE=local needs AUTH_LOCAL_SECRET".to_owned())?;
                Ok(Auth::Local(LocalIssuer::new(secret.as_bytes())?))
            }
            Ok(other) => Err(format!(
                "AUTH_MODE={other}: expected gateway, local or open"
            )),
            Err(_) => Err("AUTH_MODE is not set: gateway (on AWS), local or open".to_owned()),
        }
    }

    /// The caller, if its token is valid and grants `needed`.
    pub fn authorize(
        &self,
        request: &Request,
        needed: Scope,
        now: i64,
    ) -> Result<Caller, AuthError> {
        let (subject, scopes) = match self {
            Auth::Open => return Ok(Caller { subject: None }),
            Auth::Gateway => gateway_claims(request)?,
            Auth::Local(issuer) => {
                let header = request
                    .headers()
                    .get(lambda_http::http::header::AUTHORIZATION)
                    .ok_or(AuthError::Missing)?;
                let token = header
                    .to_str()
                    .ok()
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .ok_or(AuthError::Invalid(
                        "expected `Authorization: Bearer <token>`",
                    ))?;
                let claims = issuer.verify(token.trim(), now)?;
                (claims.sub, claims.scope)
            }
        };
        if !scopes.split_whitespace().any(|s| s == needed.name()) {
            return Err(AuthError::MissingScope(needed));
        }
        Ok(Caller {
            subject: Some(subject),
        })
    }
}

/// `sub` and the space-separated scopes of the authorizer's verified claims.
fn gateway_claims(request: &Request) -> Result<(String, String), AuthError> {
    let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref() else {
        return Err(AuthError::Missing);
    };
    let jwt = context
        .authorizer
        .as_ref()
        .and_then(|a| a.jwt.as_ref())
        .ok_or(AuthError::Missing)?;
    let subject = jwt
        .claims
        .get("sub")
        .filter(|s| valid_subject(s))
        .ok_or(AuthError::Invalid("no usable `sub` claim"))?;
    let scopes = match &jwt.scopes {
        Some(scopes) if !scopes.is_empty() => scopes.join(" "),
        _ => jwt.claims.get("scope").cloned().unwrap_or_default(),
    };
    Ok((subject.clone(), scopes))
}

fn valid_subject(subject: &str) -> bool {
    !subject.is_empty() && subject.len() <= 128 && !subject.chars().any(char::is_control)
}

pub const LOCAL_ISSUER: &str = "eventcrm-local";
pub const LOCAL_AUDIENCE: &str = "eventcrm";

/// The claims a local token carries (a subset of what Cognito's access tokens carry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    /// Space-separated, as OAuth access tokens spell them.
    pub scope: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
}

/// The local stack's token issuer: HS256 with a secret `cargo xtask dev --auth` made.
#[derive(Clone)]
pub struct LocalIssuer {
    mac: HmacSha256,
}

impl std::fmt::Debug for LocalIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalIssuer(..)")
    }
}

type HmacSha256 = Hmac<Sha256>;

/// Tolerated clock difference between issuer and function.
const LEEWAY_SECONDS: i64 = 30;

impl LocalIssuer {
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("the local issuer's secret must be at least 32 bytes".into());
        }
        let mac = HmacSha256::new_from_slice(secret).map_err(|e| e.to_string())?;
        Ok(Self { mac })
    }

    fn mac(&self) -> HmacSha256 {
        self.mac.clone()
    }

    pub fn mint(&self, subject: &str, scopes: &[&str], now: i64, lifetime_seconds: i64) -> String {
        let header = Header {
            alg: "HS256".into(),
            typ: Some("JWT".into()),
        };
        let claims = Claims {
            iss: LOCAL_ISSUER.into(),
            aud: LOCAL_AUDIENCE.into(),
            sub: subject.into(),
            scope: scopes.join(" "),
            iat: now,
            exp: now + lifetime_seconds,
        };
        let signing_input = format!("{}.{}", encoded(&header), encoded(&claims));
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// The token's claims, if this issuer signed it with HS256 for this audience and it has
    /// not expired.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, AuthError> {
        let invalid = AuthError::Invalid;
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid("not a JWT"));
        };
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| invalid("not a JWT"))
        };
        let signature = decode(signature)?;
        let mut mac = self.mac();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(claims.as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&signature)
            .map_err(|_| invalid("bad signature"))?;
        let header: Header =
            serde_json::from_slice(&decode(header)?).map_err(|_| invalid("unreadable header"))?;
        if header.alg != "HS256" {
            return Err(invalid("unexpected algorithm"));
        }
        let claims: Claims =
            serde_json::from_slice(&decode(claims)?).map_err(|_| invalid("unreadable claims"))?;
        if claims.iss != LOCAL_ISSUER || claims.aud != LOCAL_AUDIENCE {
            return Err(invalid("wrong issuer or audience"));
        }
        if claims.exp.saturating_add(LEEWAY_SECONDS) < now {
            return Err(invalid("expired"));
        }
        if claims.iat.saturating_sub(LEEWAY_SECONDS) > now {
            return Err(invalid("issued in the future"));
        }
        if !valid_subject(&claims.sub) {
            return Err(invalid("no usable `sub` claim"));
        }
        Ok(claims)
    }
}

fn encoded<T: Serialize>(part: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(part).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn issuer() -> LocalIssuer {
        LocalIssuer::new(&[7; 32]).unwrap()
    }

    fn request(token: Option<&str>) -> Request {
        let mut builder = lambda_http::http::Request::builder().uri("/api/contacts");
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        builder.body(lambda_http::Body::Empty).unwrap()
    }

    #[test]
    fn a_minted_token_verifies_and_names_its_subject() {
        let token = issuer().mint("user-1", &["crm/read", "crm/write"], NOW, 3600);
        let auth = Auth::Local(issuer());
        let caller = auth
            .authorize(&request(Some(&token)), Scope::Write, NOW + 10)
            .unwrap();
        assert_eq!(caller.subject.as_deref(), Some("user-1"));
    }

    #[test]
    fn missing_expired_forged_and_underscoped_tokens_are_refused() {
        let auth = Auth::Local(issuer());
        let read_only = issuer().mint("u", &["crm/read"], NOW, 60);
        assert_eq!(
            auth.authorize(&request(None), Scope::Read, NOW),
            Err(AuthError::Missing)
        );
        assert_eq!(
            auth.authorize(&request(Some(&read_only)), Scope::Write, NOW),
            Err(AuthError::MissingScope(Scope::Write))
        );
        assert_eq!(
            auth.authorize(&request(Some(&read_only)), Scope::Read, NOW + 3600),
            Err(AuthError::Invalid("expired"))
        );
        let other = LocalIssuer::new(&[8; 32])
            .unwrap()
            .mint("u", &["crm/read"], NOW, 60);
        assert_eq!(
            auth.authorize(&request(Some(&other)), Scope::Read, NOW),
            Err(AuthError::Invalid("bad signature"))
        );
        // Claims edited after signing (a wider scope) break the signature.
        let parts: Vec<&str> = read_only.split('.').collect();
        let mut claims: Claims =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        claims.scope = "crm/read crm/write crm/admin".into();
        let edited = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap()),
            parts[2]
        );
        assert_eq!(
            auth.authorize(&request(Some(&edited)), Scope::Admin, NOW),
            Err(AuthError::Invalid("bad signature"))
        );
        assert_eq!(
            auth.authorize(&request(Some("a.b")), Scope::Read, NOW),
            Err(AuthError::Invalid("not a JWT"))
        );
    }

    fn through_gateway(claims: &[(&str, &str)], scopes: Option<Vec<String>>) -> Request {
        use lambda_http::aws_lambda_events::apigw::{
            ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription,
            ApiGatewayV2httpRequestContext,
        };
        let mut jwt = ApiGatewayRequestAuthorizerJwtDescription::default();
        jwt.claims = claims
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        jwt.scopes = scopes;
        let mut authorizer = ApiGatewayRequestAuthorizer::default();
        authorizer.jwt = Some(jwt);
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.authorizer = Some(authorizer);
        request(None).with_request_context(RequestContext::ApiGatewayV2(context))
    }

    #[test]
    fn gateway_mode_trusts_only_the_authorizer_context() {
        // No authorizer context: a route deployed without the authorizer is refused, whatever
        // the headers say.
        assert_eq!(
            Auth::Gateway.authorize(&request(Some("anything")), Scope::Read, NOW),
            Err(AuthError::Missing)
        );
        let cognito = through_gateway(&[("sub", "abc-123"), ("scope", "crm/read crm/write")], None);
        assert_eq!(
            Auth::Gateway.authorize(&cognito, Scope::Write, NOW),
            Ok(Caller {
                subject: Some("abc-123".into())
            })
        );
        assert_eq!(
            Auth::Gateway.authorize(&cognito, Scope::Admin, NOW),
            Err(AuthError::MissingScope(Scope::Admin))
        );
        let listed = through_gateway(&[("sub", "abc")], Some(vec!["crm/admin".into()]));
        assert!(Auth::Gateway.authorize(&listed, Scope::Admin, NOW).is_ok());
        let nobody = through_gateway(&[("scope", "crm/read")], None);
        assert_eq!(
            Auth::Gateway.authorize(&nobody, Scope::Read, NOW),
            Err(AuthError::Invalid("no usable `sub` claim"))
        );
    }

    #[test]
    fn open_mode_names_no_one() {
        assert_eq!(
            Auth::Open.authorize(&request(None), Scope::Admin, NOW),
            Ok(Caller { subject: None })
        );
    }
}
