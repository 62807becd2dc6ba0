//! The first screen: a welcome in French and the form that adds a mailbox, with "find the
//! servers" (DNS SRV), "test the connection" and "save".

use crate::messages::Localize;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use iced::widget::{
    button, column, container, pick_list, row, scrollable, text, text_input, Space,
};
use iced::{Alignment, Element, Length};

use super::theme;
use super::widget::Choice;
use crate::args;
use crate::i18n::I18n;
use crate::messages::LocalizedTestReport;
use pli_core::mail::account::{Account, AuthKind, BoxKind, ConfigProblem, Endpoint, Security};
use pli_core::mail::connect::Credentials;
use pli_core::mail::discover::Discovered;
use pli_core::mail::oidc::Preset;
use pli_core::mail::secrets::Secret;
use pli_core::profile::Profile;
use pli_core::usecase::accounts;

/// The ids of the form's fields, so tests and keyboard focus can reach them.
pub mod field {
    pub const NAME: &str = "form-name";
    pub const ADDRESS: &str = "form-address";
    pub const DISPLAY_NAME: &str = "form-display-name";
    pub const IMAP: &str = "form-imap";
    pub const SMTP: &str = "form-smtp";
    pub const SECRET: &str = "form-secret";
    pub const CERTIFICATE: &str = "form-certificate";
    pub const CA_FILE: &str = "form-ca-file";
    pub const PSC_CLIENT_ID: &str = "form-psc-client-id";
}

/// How the box signs in, as the form offers it: Pro Santé Connect is XOAUTH2 with the token
/// from a sign-in, where "token" is one typed or provisioned by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    Password,
    Certificate,
    Token,
    ProSanteConnect(Preset),
}

/// What the user typed, kept as text until it is checked.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub name: String,
    pub address: String,
    pub kind: Option<BoxKind>,
    pub display_name: String,
    pub imap: String,
    pub smtp: String,
    pub security: Security,
    pub auth: AuthKind,
    /// Pro Santé Connect (production or sandbox) when the box signs in with it.
    pub psc: Option<Preset>,
    /// The client id of Pli's registration with Pro Santé Connect.
    pub psc_client_id: String,
    pub secret: String,
    pub certificate: String,
    pub ca_file: String,
}

impl Form {
    /// The account the form describes, or the first thing to fix.
    pub fn account(&self) -> Result<Account, String> {
        let imap: Endpoint = self
            .imap
            .parse()
            .map_err(|error| format!("IMAP: {error}"))?;
        let smtp: Endpoint = self
            .smtp
            .parse()
            .map_err(|error| format!("SMTP: {error}"))?;
        let optional = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_string());
        let account = Account {
            name: self.name.trim().to_string(),
            address: self.address.trim().to_string(),
            kind: self.kind.unwrap_or(BoxKind::Personal),
            display_name: optional(&self.display_name),
            imap,
            smtp,
            security: self.security,
            auth: self.auth,
            login: None,
            certificate: optional(&self.certificate).map(PathBuf::from),
            certificate_key: None,
            ca_file: optional(&self.ca_file).map(PathBuf::from),
            pharmacy: false,
            oidc: self
                .psc
                .map(|preset| Box::new(preset.settings(self.psc_client_id.trim()))),
            offline_months: None,
        };
        account.validate().map_err(|error| error.to_string())?;
        Ok(account)
    }
}

#[derive(Debug, Clone)]
pub enum Status {
    Idle,
    Discovering,
    Discovered(String),
    Testing,
    Tested(Arc<LocalizedTestReport>),
    Saved(String),
    Problem(String),
}

#[derive(Debug, Clone)]
pub enum Message {
    Name(String),
    Address(String),
    Kind(Choice<BoxKind>),
    DisplayName(String),
    Imap(String),
    Smtp(String),
    Security(Choice<Security>),
    Auth(Choice<SignIn>),
    PscClientId(String),
    Secret(String),
    Certificate(String),
    CaFile(String),
    Discover,
    Discovered(Result<Discovered, String>),
    Test,
    Tested(Arc<LocalizedTestReport>),
    Save,
    Saved(Result<Account, String>),
}

/// What the screen asks the root to do.
#[derive(Debug)]
pub enum Action {
    None,
    Discover(String),
    Test(Request),
    Save(Request),
    Saved(Box<Account>),
}

/// An account with the secret typed in the form, on its way to a test or to the keyring.
#[derive(Clone)]
pub struct Request {
    pub account: Account,
    pub secret: Option<Secret>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("account", &self.account.name)
            .finish()
    }
}

pub struct Welcome {
    i18n: Arc<I18n>,
    form: Form,
    status: Status,
    kinds: Vec<Choice<BoxKind>>,
    securities: Vec<Choice<Security>>,
    auths: Vec<Choice<SignIn>>,
}

impl Welcome {
    /// What the form holds now.
    pub fn form(&self) -> &Form {
        &self.form
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    pub fn new(i18n: Arc<I18n>) -> Self {
        fn labelled<T>(i18n: &I18n, value: T, id: &str) -> Choice<T> {
            Choice::new(value, i18n.t(id))
        }
        let choice = |value, id: &str| labelled(&i18n, value, id);
        let kinds = vec![
            choice(BoxKind::Personal, "form-type-per"),
            choice(BoxKind::Organisational, "form-type-org"),
            choice(BoxKind::Applicative, "form-type-app"),
        ];
        let securities = vec![
            Choice::new(Security::Starttls, i18n.t("form-security-starttls")),
            Choice::new(Security::Tls, i18n.t("form-security-tls")),
        ];
        let auths = vec![
            labelled(&i18n, SignIn::Password, "form-auth-password"),
            labelled(&i18n, SignIn::Certificate, "form-auth-certificate"),
            labelled(&i18n, SignIn::ProSanteConnect(Preset::Psc), "form-auth-psc"),
            labelled(
                &i18n,
                SignIn::ProSanteConnect(Preset::PscSandbox),
                "form-auth-psc-sandbox",
            ),
            labelled(&i18n, SignIn::Token, "form-auth-xoauth2"),
        ];
        Self {
            i18n,
            form: Form::default(),
            status: Status::Idle,
            kinds,
            securities,
            auths,
        }
    }

    /// What the sign-in list offers, in its order (the tests choose from it: iced_test does not
    /// reach into an open list).
    pub fn sign_in_choices(&self) -> &[Choice<SignIn>] {
        &self.auths
    }

    fn request(&mut self) -> Option<Request> {
        match self.form.account() {
            Ok(account) => {
                let secret =
                    (!self.form.secret.is_empty()).then(|| Secret::new(self.form.secret.clone()));
                Some(Request { account, secret })
            }
            Err(reason) => {
                self.status =
                    Status::Problem(self.i18n.t_args("form-invalid", args!["reason" => reason]));
                None
            }
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        let form = &mut self.form;
        match message {
            Message::Name(value) => form.name = value,
            Message::Address(value) => form.address = value,
            Message::Kind(choice) => form.kind = Some(choice.value),
            Message::DisplayName(value) => form.display_name = value,
            Message::Imap(value) => form.imap = value,
            Message::Smtp(value) => form.smtp = value,
            Message::Security(choice) => form.security = choice.value,
            Message::Auth(choice) => {
                (form.auth, form.psc) = match choice.value {
                    SignIn::Password => (AuthKind::Password, None),
                    SignIn::Certificate => (AuthKind::Certificate, None),
                    SignIn::Token => (AuthKind::Xoauth2, None),
                    SignIn::ProSanteConnect(preset) => {
                        // Nothing to type: the token comes from the sign-in.
                        form.secret.clear();
                        (AuthKind::Xoauth2, Some(preset))
                    }
                };
            }
            Message::PscClientId(value) => form.psc_client_id = value,
            Message::Secret(value) => form.secret = value,
            Message::Certificate(value) => form.certificate = value,
            Message::CaFile(value) => form.ca_file = value,
            Message::Discover => {
                self.status = Status::Discovering;
                return Action::Discover(form.address.trim().to_string());
            }
            Message::Discovered(result) => {
                let domain = pli_core::mail::account::domain_of(&form.address);
                self.status = match result {
                    Ok(Discovered { imap, smtp }) if imap.is_some() || smtp.is_some() => {
                        if let Some((endpoint, security)) = imap {
                            form.imap = endpoint.to_string();
                            form.security = security;
                        }
                        if let Some((endpoint, _)) = smtp {
                            form.smtp = endpoint.to_string();
                        }
                        Status::Discovered(
                            self.i18n
                                .t_args("form-discovered", args!["domain" => domain]),
                        )
                    }
                    Ok(_) | Err(_) => Status::Problem(
                        self.i18n
                            .t_args("form-not-discovered", args!["domain" => domain]),
                    ),
                };
            }
            Message::Test if form.psc.is_some() => {
                // No token before the first sign-in, so nothing to test with yet.
                self.status = Status::Discovered(self.i18n.t("form-psc-test-after-sign-in"));
            }
            Message::Test => {
                if let Some(request) = self.request() {
                    self.status = Status::Testing;
                    return Action::Test(request);
                }
            }
            Message::Tested(report) => self.status = Status::Tested(report),
            Message::Save => {
                if let Some(request) = self.request() {
                    return Action::Save(request);
                }
            }
            Message::Saved(Ok(account)) => {
                self.status = Status::Saved(
                    self.i18n
                        .t_args("form-saved", args!["name" => account.name.clone()]),
                );
                self.form = Form::default();
                return Action::Saved(Box::new(account));
            }
            Message::Saved(Err(message)) => self.status = Status::Problem(message),
        }
        Action::None
    }

    pub fn view<'a>(
        &'a self,
        accounts: &'a [Account],
        problems: &'a [ConfigProblem],
    ) -> Element<'a, Message> {
        let t = |id: &str| self.i18n.t(id);
        let labelled = |label: String, input: Element<'a, Message>| -> Element<'a, Message> {
            row![
                text(label)
                    .size(theme::BODY_SIZE)
                    .width(Length::Fixed(280.0)),
                input
            ]
            .spacing(12)
            .align_y(Alignment::Center)
            .into()
        };
        let input =
            |id: &'static str, hint: String, value: &'a str, on_input: fn(String) -> Message| {
                text_input(&hint, value)
                    .id(id)
                    .on_input(on_input)
                    .padding(8)
                    .size(theme::BODY_SIZE)
                    .into()
            };
        let form = &self.form;
        let secret_label = match form.auth {
            AuthKind::Password => t("form-password"),
            AuthKind::Xoauth2 => t("form-token"),
            AuthKind::Certificate => t("form-certificate-passphrase"),
        };
        let selected_kind = self
            .kinds
            .iter()
            .find(|c| Some(c.value) == form.kind)
            .cloned();
        let selected_security = self
            .securities
            .iter()
            .find(|c| c.value == form.security)
            .cloned();
        let signing_in = match (form.auth, form.psc) {
            (_, Some(preset)) => SignIn::ProSanteConnect(preset),
            (AuthKind::Password, None) => SignIn::Password,
            (AuthKind::Certificate, None) => SignIn::Certificate,
            (AuthKind::Xoauth2, None) => SignIn::Token,
        };
        let selected_auth = self.auths.iter().find(|c| c.value == signing_in).cloned();

        let mut fields = column![
            labelled(
                t("form-name"),
                input(field::NAME, t("form-name-hint"), &form.name, Message::Name)
            ),
            labelled(
                t("form-address"),
                row![
                    text_input(&t("form-address-hint"), &form.address)
                        .id(field::ADDRESS)
                        .on_input(Message::Address)
                        .padding(8)
                        .size(theme::BODY_SIZE),
                    button(text(t("form-discover")).size(theme::SMALL_SIZE))
                        .on_press(Message::Discover),
                ]
                .spacing(8)
                .align_y(Alignment::Center)
                .into()
            ),
            labelled(
                t("form-type"),
                pick_list(self.kinds.clone(), selected_kind, Message::Kind)
                    .width(Length::Fill)
                    .into()
            ),
            labelled(
                t("form-display-name"),
                input(
                    field::DISPLAY_NAME,
                    t("form-display-name-hint"),
                    &form.display_name,
                    Message::DisplayName
                )
            ),
            labelled(
                t("form-imap"),
                input(
                    field::IMAP,
                    "imap.exemple.mssante.fr:143".into(),
                    &form.imap,
                    Message::Imap
                )
            ),
            labelled(
                t("form-smtp"),
                input(
                    field::SMTP,
                    "smtp.exemple.mssante.fr:587".into(),
                    &form.smtp,
                    Message::Smtp
                )
            ),
            labelled(
                t("form-security"),
                pick_list(
                    self.securities.clone(),
                    selected_security,
                    Message::Security
                )
                .width(Length::Fill)
                .into()
            ),
            labelled(
                t("form-auth"),
                pick_list(self.auths.clone(), selected_auth, Message::Auth)
                    .width(Length::Fill)
                    .into()
            ),
        ]
        .spacing(10);
        if form.auth == AuthKind::Certificate {
            fields = fields.push(labelled(
                t("form-certificate"),
                input(
                    field::CERTIFICATE,
                    "/chemin/vers/certificat.p12".into(),
                    &form.certificate,
                    Message::Certificate,
                ),
            ));
        }
        if form.psc.is_some() {
            fields = fields.push(labelled(
                t("form-psc-client-id"),
                input(
                    field::PSC_CLIENT_ID,
                    t("form-psc-client-id-hint"),
                    &form.psc_client_id,
                    Message::PscClientId,
                ),
            ));
        } else {
            fields = fields.push(labelled(
                secret_label.clone(),
                text_input(&secret_label, &form.secret)
                    .id(field::SECRET)
                    .secure(true)
                    .on_input(Message::Secret)
                    .on_submit(Message::Test)
                    .padding(8)
                    .size(theme::BODY_SIZE)
                    .into(),
            ));
        }
        fields = fields.push(labelled(
            t("form-ca-file"),
            input(
                field::CA_FILE,
                String::new(),
                &form.ca_file,
                Message::CaFile,
            ),
        ));

        let busy = matches!(self.status, Status::Testing | Status::Discovering);
        let actions = row![
            button(text(t("form-test"))).on_press_maybe((!busy).then_some(Message::Test)),
            button(text(t("form-save")))
                .style(button::success)
                .on_press_maybe((!busy).then_some(Message::Save)),
        ]
        .spacing(12);

        let mut page = column![
            text(t("welcome-title"))
                .size(theme::TITLE_SIZE)
                .font(iced::Font {
                    weight: iced::font::Weight::Semibold,
                    ..super::FONT
                }),
            text(t("welcome-intro")).size(theme::BODY_SIZE),
        ]
        .spacing(12)
        .padding(32)
        .max_width(920);

        for problem in problems {
            page = page.push(
                text(self.i18n.t_args(
                    "account-config-problem",
                    args!["line" => problem.line, "message" => problem.message.clone()],
                ))
                .color(theme::DANGER)
                .size(theme::SMALL_SIZE),
            );
        }
        for account in accounts {
            page = page.push(
                text(format!(
                    "✉ {} — {} ({})",
                    account.name,
                    account.address,
                    account.kind.code()
                ))
                .size(theme::SMALL_SIZE),
            );
        }
        page = page
            .push(Space::new().height(8))
            .push(text(t("welcome-add-box")).size(theme::HEADING_SIZE))
            .push(fields)
            .push(actions)
            .push(self.status_view());

        container(scrollable(page).width(Length::Fill))
            .center_x(Length::Fill)
            .into()
    }

    fn status_view(&self) -> Element<'_, Message> {
        let t = |id: &str| self.i18n.t(id);
        match &self.status {
            Status::Idle => Space::new().into(),
            Status::Discovering => text(t("form-discovering")).into(),
            Status::Testing => text(t("form-testing")).into(),
            Status::Discovered(message) | Status::Saved(message) => {
                text(message.clone()).color(theme::SUCCESS).into()
            }
            Status::Problem(message) => text(message.clone()).color(theme::DANGER).into(),
            Status::Tested(report) => {
                let line =
                    |result: &Result<Vec<String>, String>, ok_id: &str| -> Element<'_, Message> {
                        match result {
                            Ok(capabilities) => text(
                                self.i18n
                                    .t_args(ok_id, args!["count" => capabilities.len()]),
                            )
                            .color(theme::SUCCESS)
                            .into(),
                            Err(message) => text(message.clone()).color(theme::DANGER).into(),
                        }
                    };
                let verdict = if report.succeeded() {
                    text(t("form-test-ok")).color(theme::SUCCESS)
                } else {
                    text(t("form-test-failed")).color(theme::DANGER)
                };
                let mut lines = column![
                    verdict,
                    line(&report.imap, "form-test-imap-ok"),
                    line(&report.smtp, "form-test-smtp-ok")
                ]
                .spacing(4);
                for notice in &report.notices {
                    lines = lines.push(text(notice.as_str()).style(text::warning));
                }
                lines.into()
            }
        }
    }
}

/// Finds the servers of an address (DNS SRV).
pub async fn discover(
    address: String,
    nameserver: Option<std::net::SocketAddr>,
) -> Result<Discovered, String> {
    pli_core::mail::discover::discover(&address, nameserver)
        .await
        .map_err(|error| error.to_string())
}

/// Tests both servers with what the form holds; nothing is kept (the keyring is not touched).
pub async fn run_test(request: Request, i18n: Arc<I18n>) -> Arc<LocalizedTestReport> {
    let report = match Credentials::with_secret(&request.account, request.secret.as_ref()) {
        Ok(credentials) => {
            LocalizedTestReport::of(&accounts::test(&request.account, &credentials).await, &i18n)
        }
        // Neither server can be tried (a certificate that does not open): both say why.
        Err(error) => {
            let message = error.localize(&i18n);
            LocalizedTestReport {
                imap: Err(message.clone()),
                smtp: Err(message),
                notices: Vec::new(),
            }
        }
    };
    Arc::new(report)
}

/// Adds the box to the profile: its secret in the keyring, its settings in the profile's file.
pub async fn save(request: Request, profile: Profile, i18n: Arc<I18n>) -> Result<Account, String> {
    let work = move || {
        accounts::add(&profile, request.account, request.secret.as_ref())
            .map_err(|error| error.localize(&i18n))
    };
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| Err(error.to_string()))
}
