//! The protocol itself, with the `openidconnect` crate: discovery, the authorization code flow
//! with PKCE S256 through the system browser and the loopback listener, the verification of the
//! ID token, and the refresh.

use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreErrorResponseType, CoreGrantType, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreResponseMode,
    CoreResponseType, CoreRevocableToken, CoreSubjectIdentifierType,
};
use openidconnect::{
    AccessTokenHash, AdditionalProviderMetadata, AuthenticationContextClass, ClientSecret,
    CsrfToken, DiscoveryError, EndpointMaybeSet, EndpointNotSet, EndpointSet, LanguageTag, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, ProviderMetadata, RedirectUrl, RefreshToken,
    RequestTokenError, RevocationUrl, Scope, StandardErrorResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};

use super::http::{HttpClient, HttpError};
use super::loopback::{Browser, Loopback, SignInOptions};
use super::settings::OidcConfig;
use super::OidcError;
use crate::mail::secrets::Secret;

/// A client built from the discovery document: authorization endpoint known, token endpoint
/// announced by the provider (checked when used).
type PscClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The part of the discovery document the core metadata leaves out: where to revoke a token
/// (RFC 7009, announced as in RFC 8414).
#[derive(Clone, Debug, Deserialize, Serialize)]
struct RevocationEndpoint {
    revocation_endpoint: Option<RevocationUrl>,
}

impl AdditionalProviderMetadata for RevocationEndpoint {}

type Metadata = ProviderMetadata<
    RevocationEndpoint,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Who signed in, as the verified ID token says; shown by the window ("Dr Jean MARTIN").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The professional's stable identifier at the provider (for PSC, built on the RPPS number).
    pub subject: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    /// The level of authentication reached (`eidas1` with a CPS card or e-CPS).
    pub acr: Option<String>,
}

impl Identity {
    /// The name to show: given and family names, else the address, else the identifier.
    pub fn display_name(&self) -> String {
        let name = [&self.given_name, &self.family_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        match (name.is_empty(), &self.email) {
            (false, _) => name,
            (true, Some(email)) => email.clone(),
            (true, None) => self.subject.clone(),
        }
    }
}

/// What a token request gave.
pub(crate) struct Tokens {
    pub access: Secret,
    /// The lifetime the provider announced, counted from `issued`.
    pub lifetime: Option<Duration>,
    /// When the token was asked for: it cannot have been issued earlier.
    pub issued: Instant,
    /// A new refresh token: the first one, or a rotated one.
    pub refresh: Option<Secret>,
}

/// One provider, discovered: its metadata and keys, and Pli's client there.
pub(crate) struct Provider {
    client: PscClient,
    revocation: Option<RevocationUrl>,
    config: OidcConfig,
    http: HttpClient,
}

impl Provider {
    /// Reads the discovery document and the provider's signing keys.
    pub fn discover(config: &OidcConfig, client_secret: Option<Secret>) -> Result<Self, OidcError> {
        let http = HttpClient::new(config.extra_ca.as_deref())?;
        let issuer = config.issuer.to_string();
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let metadata = Metadata::discover(&config.issuer, &http)
            .map_err(|error| discovery_error(&issuer, &url, error))?;
        let revocation = metadata.additional_metadata().revocation_endpoint.clone();
        let client = CoreClient::from_provider_metadata(
            metadata,
            config.client_id.clone(),
            client_secret.map(|secret| ClientSecret::new(secret.expose().to_string())),
        );
        Ok(Self {
            client,
            revocation,
            config: config.clone(),
            http,
        })
    }

    fn issuer(&self) -> String {
        self.config.issuer.to_string()
    }

    /// The whole interactive sign-in: browser, redirect, code exchange, ID token checks.
    pub fn sign_in(
        &self,
        browser: &dyn Browser,
        options: &SignInOptions,
    ) -> Result<(Tokens, Identity), OidcError> {
        let loopback = Loopback::bind()?;
        let redirect = RedirectUrl::new(loopback.redirect_uri().to_string())
            .map_err(|error| OidcError::Listener(error.to_string()))?;
        let client = self.client.clone().set_redirect_uri(redirect);

        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .add_ui_locale(LanguageTag::new("fr".into()));
        // The crate adds `openid` itself; naming it twice would be harmless but untidy.
        for scope in self.config.scopes.iter().filter(|scope| *scope != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        for acr in &self.config.acr_values {
            request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
        }
        let (url, state, nonce) = request.url();

        browser
            .open(url.as_str())
            .map_err(|error| OidcError::Browser(error.0))?;
        let callback = loopback.wait(state.secret(), options)?;
        // RFC 9207: a provider that names itself in the redirect must be the one asked, or the
        // code came from another provider the browser was talking to (a mix-up attack).
        if let Some(returned) = &callback.issuer {
            if returned.trim_end_matches('/') != self.issuer().trim_end_matches('/') {
                return Err(OidcError::IssuerMixUp {
                    issuer: self.issuer(),
                });
            }
        }

        // Lifetimes count from before the request: the token may have been issued at once.
        let requested = Instant::now();
        let response = client
            .exchange_code(callback.code)
            .map_err(|_| self.missing_token_endpoint())?
            .set_pkce_verifier(verifier)
            .request(&self.http)
            .map_err(|error| self.token_error(error, TokenStep::Code))?;

        let id_token = response.id_token().ok_or_else(|| OidcError::BadIdToken {
            issuer: self.issuer(),
            reason: "the provider sent no ID token".into(),
        })?;
        let id_verifier = client.id_token_verifier();
        let claims =
            id_token
                .claims(&id_verifier, &nonce)
                .map_err(|error| OidcError::BadIdToken {
                    issuer: self.issuer(),
                    reason: error.to_string(),
                })?;
        // When the ID token binds the access token (at_hash), check the binding too: a swapped
        // access token would otherwise go unnoticed.
        if let Some(expected) = claims.access_token_hash() {
            let computed = id_token
                .signing_alg()
                .and_then(|alg| Ok((alg, id_token.signing_key(&id_verifier)?)))
                .ok()
                .and_then(|(alg, key)| {
                    AccessTokenHash::from_token(response.access_token(), alg, key).ok()
                });
            if computed.as_ref() != Some(expected) {
                return Err(OidcError::BadIdToken {
                    issuer: self.issuer(),
                    reason: "the access token does not match the ID token (at_hash)".into(),
                });
            }
        }
        let acr = claims.auth_context_ref().map(|acr| acr.to_string());
        if !self.config.acr_values.is_empty()
            && !acr
                .as_ref()
                .is_some_and(|acr| self.config.acr_values.contains(acr))
        {
            return Err(OidcError::WeakAuthentication {
                asked: self.config.acr_values.join(" "),
                got: acr.unwrap_or_else(|| "none".into()),
            });
        }
        let identity = Identity {
            subject: claims.subject().to_string(),
            given_name: claims
                .given_name()
                .and_then(|name| name.get(None))
                .map(|name| name.to_string()),
            family_name: claims
                .family_name()
                .and_then(|name| name.get(None))
                .map(|name| name.to_string()),
            email: claims.email().map(|email| email.to_string()),
            acr,
        };
        Ok((tokens(&response, requested), identity))
    }

    /// Trades the refresh token for a new access token (and, when the provider rotates them, a
    /// new refresh token).
    pub fn refresh(&self, refresh_token: &Secret) -> Result<Tokens, OidcError> {
        let refresh_token = RefreshToken::new(refresh_token.expose().to_string());
        let requested = Instant::now();
        let response = self
            .client
            .exchange_refresh_token(&refresh_token)
            .map_err(|_| self.missing_token_endpoint())?
            .request(&self.http)
            .map_err(|error| self.token_error(error, TokenStep::Refresh))?;
        Ok(tokens(&response, requested))
    }

    /// Asks the provider to forget a refresh token (RFC 7009), which ends the session there:
    /// a copy of the token taken from this computer opens nothing any more. A provider that
    /// announces no revocation endpoint has nothing to be told.
    pub fn revoke(&self, refresh_token: &Secret) -> Result<(), OidcError> {
        let Some(endpoint) = self.revocation.clone() else {
            return Ok(());
        };
        let token =
            CoreRevocableToken::RefreshToken(RefreshToken::new(refresh_token.expose().to_string()));
        let issuer = self.issuer();
        self.client
            .clone()
            .set_revocation_url(endpoint)
            .revoke_token(token)
            // The crate revokes over https only, as RFC 7009 asks.
            .map_err(|error| OidcError::Protocol {
                issuer: issuer.clone(),
                detail: error.to_string(),
            })?
            .request(&self.http)
            .map_err(|error| match error {
                RequestTokenError::Request(error) => OidcError::Unreachable {
                    issuer,
                    reason: error.to_string(),
                },
                other => OidcError::Protocol {
                    issuer,
                    detail: other.to_string(),
                },
            })
    }

    fn missing_token_endpoint(&self) -> OidcError {
        OidcError::Protocol {
            issuer: self.issuer(),
            detail: "its configuration names no token endpoint".into(),
        }
    }

    fn token_error(
        &self,
        error: RequestTokenError<HttpError, StandardErrorResponse<CoreErrorResponseType>>,
        step: TokenStep,
    ) -> OidcError {
        let issuer = self.issuer();
        match error {
            RequestTokenError::ServerResponse(response) => match response.error() {
                // For a refresh: the session is over (expired, revoked, signed out elsewhere).
                // For a code: it was used already, expired, or the PKCE verifier does not match.
                CoreErrorResponseType::InvalidGrant => match step {
                    TokenStep::Refresh => OidcError::RefreshRefused,
                    TokenStep::Code => OidcError::CodeRefused { issuer },
                },
                CoreErrorResponseType::InvalidClient
                | CoreErrorResponseType::UnauthorizedClient => OidcError::ClientRefused {
                    issuer,
                    error: response.error().to_string(),
                },
                other => OidcError::Protocol {
                    issuer,
                    detail: match response.error_description() {
                        Some(description) => format!("{other}: {description}"),
                        None => other.to_string(),
                    },
                },
            },
            RequestTokenError::Request(error) => OidcError::Unreachable {
                issuer,
                reason: error.to_string(),
            },
            RequestTokenError::Parse(_, body) => OidcError::Protocol {
                issuer,
                detail: describe_body(&body),
            },
            RequestTokenError::Other(detail) => OidcError::Protocol { issuer, detail },
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum TokenStep {
    Code,
    Refresh,
}

fn tokens(response: &impl OAuth2TokenResponse, issued: Instant) -> Tokens {
    Tokens {
        access: Secret::new(response.access_token().secret().clone()),
        lifetime: response.expires_in(),
        issued,
        refresh: response
            .refresh_token()
            .map(|token| Secret::new(token.secret().clone())),
    }
}

/// A few words on an answer that is not the JSON expected, without copying it whole.
fn describe_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.trim_start().starts_with('<') {
        "a web page instead of JSON".into()
    } else if text.trim().is_empty() {
        "an empty answer".into()
    } else {
        "an answer that is not the JSON expected".into()
    }
}

fn discovery_error(issuer: &str, url: &str, error: DiscoveryError<HttpError>) -> OidcError {
    let issuer = issuer.to_string();
    let url = url.to_string();
    match error {
        DiscoveryError::Request(HttpError::ServerError(status)) => OidcError::Unreachable {
            issuer,
            reason: format!("the server answered with the error {status}"),
        },
        DiscoveryError::Request(error) => OidcError::Unreachable {
            issuer,
            reason: error.to_string(),
        },
        DiscoveryError::Response(status, body, _) if status.is_success() => {
            OidcError::NotAProvider {
                issuer,
                url,
                detail: describe_body(&body),
            }
        }
        DiscoveryError::Response(status, _, _) => OidcError::NoConfiguration {
            issuer,
            url,
            status: status.as_u16(),
        },
        DiscoveryError::Parse(_) => OidcError::NotAProvider {
            issuer,
            url,
            detail: "a document that is not an OpenID Connect configuration".into(),
        },
        DiscoveryError::Validation(_) => OidcError::IssuerMismatch { issuer },
        DiscoveryError::UrlParse(_) => OidcError::BadIssuer {
            issuer,
            problem: super::IssuerProblem::NotAnAddress,
        },
        DiscoveryError::Other(detail) => OidcError::Protocol { issuer, detail },
        // The enum is non-exhaustive; a future case still gets a sentence.
        other => OidcError::Protocol {
            issuer,
            detail: other.to_string(),
        },
    }
}
