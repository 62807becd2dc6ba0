## Pli — English texts

app-name = Pli
app-tagline = Secure health messaging

## Welcome screen
welcome-title = Welcome to Pli
welcome-intro = Pli opens your MSSanté mailboxes: nominative, organisational or applicative. Start by adding a mailbox.
welcome-add-box = Add a mailbox

## Mailbox form
form-name = Short name
form-name-hint = practice, ehpad, pharmacy…
form-address = MSSanté address
form-address-hint = firstname.lastname@example.mssante.fr
form-type = Mailbox type
form-type-per = Nominative (PER)
form-type-org = Organisational (ORG)
form-type-app = Applicative (APP)
form-display-name = Display name
form-display-name-hint = Dr_Jean_MARTIN_Practice
form-imap = IMAP server (host:port)
form-smtp = SMTP server (host:port)
form-security = Security
form-security-starttls = STARTTLS (ports 143 and 587)
form-security-tls = Direct TLS (ports 993 and 465)
form-auth = Authentication
form-auth-password = Password
form-auth-certificate = Client certificate
form-auth-xoauth2 = Pro Santé Connect (token)
form-password = Password
form-token = Access token
form-certificate = Certificate file (.p12 or .pem)
form-certificate-passphrase = Certificate password
form-ca-file = Extra authority (PEM file, optional)
form-discover = Find the servers
form-discovering = Looking for the servers…
form-discovered = Servers found for { $domain }.
form-not-discovered = { $domain } announces no servers: type them in.
form-test = Test the connection
form-testing = Testing…
form-save = Save the mailbox
form-saved = The mailbox “{ $name }” is saved.
form-test-ok = Connection successful.
form-test-imap-ok = IMAP: connected ({ $count } capabilities).
form-test-smtp-ok = SMTP: connected ({ $count } extensions).
form-test-failed = The connection failed.
form-invalid = Check the form: { $reason }

## Mailboxes
box-kind-per = nominative
box-kind-org = organisational
box-kind-app = applicative
account-added = Mailbox “{ $name }” added ({ $address }).
account-removed = Mailbox “{ $name }” removed, with its secrets.
account-none = No mailbox is set up. Add one with “pli account add”.
account-secret-prompt = Secret of the mailbox “{ $name }” (read from standard input):
account-secret-empty = No secret came on standard input: the mailbox is not saved.
account-config-problem = Mailbox file, line { $line }: { $message }
account-imap-ok = IMAP { $endpoint }: connected. Capabilities: { $capabilities }
account-smtp-ok = SMTP { $endpoint }: connected. Extensions: { $capabilities }

## Connection errors
error-unreachable = Cannot reach { $endpoint }: check the server address and the network connection.
error-timeout = The server { $endpoint } does not answer. Try again in a few minutes.
error-starttls-missing = The server { $endpoint } offers no encrypted connection (STARTTLS). Pli refuses to send your credentials in clear.
error-certificate-expired = The certificate of the server { $endpoint } has expired. Tell your MSSanté operator; do not force the connection.
error-certificate-not-yet-valid = The certificate of the server { $endpoint } is not valid yet. Check the computer's date and time.
error-certificate-wrong-host = The certificate presented does not belong to the server { $endpoint }. Check the server address: someone could be in between.
error-certificate-untrusted = The server { $endpoint } presents a certificate not signed by a trusted authority (IGC-Santé for an MSSanté mailbox). Connection refused.
error-certificate-revoked = The certificate of the server { $endpoint } has been revoked. Connection refused.
error-certificate-other = The certificate of the server { $endpoint } is not valid ({ $detail }).
error-tls = The encrypted connection with { $endpoint } failed ({ $detail }).
error-not-the-protocol = { $endpoint } does not answer like an { $protocol } server: check the port number.
error-wrong-password = The server { $endpoint } refuses the password of { $login }. Check it and try again.
error-token-refused = Your Pro Santé Connect session has expired: sign in again.
error-certificate-refused = The server { $endpoint } refuses your client certificate.
error-server = The server { $endpoint } answered: { $detail }
error-config = The mailbox is not set up correctly: { $detail }
error-keyring-unavailable = The system keyring is not available. On Linux, start GNOME Keyring or KeePassXC.
error-keyring-locked = The system keyring is locked: unlock it and try again.
error-keyring-missing = The keyring holds no secret for the mailbox “{ $name }”. Enter it again.
error-keyring-other = The system keyring failed ({ $detail }).
error-certificate-file = The certificate file is a problem: { $detail }
error-unknown-box = No mailbox is called “{ $name }”.
error-duplicate-box = A mailbox is already called “{ $name }”.
error-accounts-file = The mailbox file cannot be read or written: { $detail }
error-profile = The profile folder is a problem: { $detail }

## Synchronisation and messages (command line)
sync-progress = { $folder }: { $done } / { $total } messages
sync-done = Synchronisation finished: { $folders } folders, { $new } new messages, { $changed } flags read again, { $removed } messages gone from the server.
error-sync = The synchronisation failed: { $detail }
error-store = The local message store is a problem: { $detail }
error-unknown-folder = The folder “{ $folder }” does not exist in this mailbox (run “pli sync” first).
error-unknown-message = No message has the number { $uid } in this folder.

## Matricule INS
ins-error-empty = The matricule INS is empty: type the 15 characters of the patient's matricule.
ins-error-length = The matricule INS has { $found } characters instead of 15 (13 characters then a 2-digit key).
ins-error-character = Character { $position } (“{ $found }”) is not allowed: a matricule INS has only digits, except 2A or 2B at positions 6 and 7 for a birth in Corsica.
ins-error-key = The key { $found } does not match the first 13 characters, which give { $expected }: a character is probably mistyped. Check the whole matricule against the Vitale card or the INSi answer rather than changing the key.
ins-warning-sex = The first digit ({ $digit }) does not tell the sex (provisional or special number): the sex is not checked.
ins-warning-month-unknown = The birth month is unknown in the civil-status record (code { $code }): it is not checked.
ins-warning-month-unusual = The month code { $code } is unusual: the birth month is not checked.
ins-sex-male = male
ins-sex-female = female
ins-unknown = unknown
ins-place-department = department { $department }, commune { $commune }
ins-place-overseas = overseas { $territory }, commune { $commune }
ins-place-abroad = born abroad (country { $country })
ins-label-matricule = Matricule INS
ins-label-address = Patient's address
ins-label-sex = Sex
ins-label-birth = Birth (month/year)
ins-label-place = Place of birth
ins-valid = Valid matricule INS.
ins-invalid = Matricule INS refused: { $reason }

## Trust list and traces
whitelist-installed = Trust-space list installed: { $count } domains.
whitelist-refused = The list was not changed: { $detail }
trace-bad-date = “{ $date }” is not a date: write it YYYY-MM-DD, for example 2026-05-01.

## Pro Santé Connect sign-in (OpenID Connect)
oidc-not-configured = The mailbox “{ $name }” is not set up to sign in with Pro Santé Connect.
oidc-missing-issuer = The sign-in settings of the mailbox name no provider: choose Pro Santé Connect or enter a provider address.
oidc-missing-client-id = The sign-in settings of the mailbox have no client id: enter the one Pli's registration received.
oidc-bad-issuer-not-an-address = “{ $issuer }” is not the web address of a provider: check it.
oidc-bad-issuer-not-https = The provider address “{ $issuer }” must start with https://: without encryption the sign-in could be intercepted.
oidc-bad-issuer-query = The provider address “{ $issuer }” must contain neither “?” nor “#”: check it.
oidc-unreachable = The sign-in service { $issuer } does not answer ({ $detail }). Check the network connection and try again.
oidc-no-configuration = { $issuer } has no OpenID Connect configuration ({ $url } answers { $status }): check the provider address.
oidc-not-a-provider = { $url } sends no OpenID Connect configuration (a web page, for instance): check the provider address.
oidc-issuer-mismatch = The provider { $issuer } presents itself under another address: enter exactly the address it announces.
oidc-protocol = The sign-in service { $issuer } answered in a way Pli does not understand ({ $detail }). Try again later.
oidc-listener = Pli cannot wait for the browser's answer on this computer ({ $detail }).
oidc-browser = The browser could not be opened ({ $detail }): open the sign-in address in a browser yourself.
oidc-timed-out = The sign-in did not come back from the browser within { $minutes } minutes: sign in again.
oidc-cancelled = The sign-in was cancelled.
oidc-state-mismatch = The browser brought back an answer that belongs to no sign-in started by Pli: it was refused. Sign in again.
oidc-issuer-mix-up = The browser came back from another sign-in service than { $issuer }: the answer was refused. Sign in again.
oidc-denied-by-user = The Pro Santé Connect sign-in was refused or abandoned: sign in again with Pro Santé Connect whenever you wish.
oidc-denied = The sign-in did not complete ({ $error }): sign in again with Pro Santé Connect.
oidc-code-refused = { $issuer } refused the code the browser brought back (already used, expired, or from another sign-in): sign in again.
oidc-bad-id-token = The identity sent by { $issuer } did not pass verification ({ $detail }): it was refused.
oidc-weak-authentication = The sign-in reached the level “{ $got }” instead of “{ $asked }”: sign in with your CPS card or the e-CPS app.
oidc-client-refused = { $issuer } refuses Pli as a client ({ $error }): check the client id and secret in the mailbox's sign-in settings.
oidc-refresh-refused = Pro Santé Connect refused to extend the session: sign in again with Pro Santé Connect.
oidc-not-signed-in = The mailbox “{ $name }” is not signed in: sign in with Pro Santé Connect.
oidc-session-ended = The Pro Santé Connect session of the mailbox “{ $name }” has ended: sign in again with Pro Santé Connect.
oidc-sign-in = Sign in with Pro Santé Connect
oidc-sign-in-waiting = Finish signing in in your browser (CPS card or e-CPS app)…
oidc-sign-in-open-address = If the browser does not open, open this address: { $url }
oidc-signed-in-as = Signed in to Pro Santé Connect: { $name }
oidc-sign-out = Sign out of Pro Santé Connect
oidc-preset-psc = Pro Santé Connect
oidc-preset-psc-sandbox = Pro Santé Connect (test sandbox)
oidc-refresh-token-keyring = Stay signed in on this computer (system keyring)
oidc-refresh-token-memory = Sign out when Pli closes (shared workstation)
