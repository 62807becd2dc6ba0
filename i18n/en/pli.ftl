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
form-auth-xoauth2 = OAuth 2 token from the operator (XOAUTH2)
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
form-secret-empty = Type the password or the token of the mailbox: it is not saved.

## Mailboxes
box-kind-per = nominative
box-kind-org = organisational
box-list-last-use = used on { $date }
box-list-never-used = never used on this workstation
box-list-deletion-due = Deletion on { $date }
box-list-deleted = Probably deleted
box-kind-app = applicative
account-added = Mailbox “{ $name }” added ({ $address }).
account-removed = Mailbox “{ $name }” removed, with its secrets.
account-set-nothing = Nothing to change: give for example --pharmacy true.
account-pharmacy-on = Mailbox “{ $name }” now receives the prescriptions patients send (pharmacy).
account-pharmacy-off = Mailbox “{ $name }” no longer receives the prescriptions patients send.
account-offline-months = Mailbox “{ $name }”: only the messages of the last { $months } months stay on this computer; older ones keep their headers here and stay on the server.
account-offline-all = Mailbox “{ $name }”: every message stays on this computer.
account-none = No mailbox is set up. Add one with “pli account add”.
account-secret-prompt = Secret of the mailbox “{ $name }” (read from standard input):
account-secret-empty = No secret came on standard input: the mailbox is not saved.
account-config-problem = Mailbox file, line { $line }: { $message }
account-imap-ok = IMAP { $endpoint }: connected. Capabilities: { $capabilities }
account-smtp-ok = SMTP { $endpoint }: connected. Extensions: { $capabilities }
account-revocation-unknown = Warning: whether the certificate of { $endpoint } is revoked could not be checked (no current revocation list of its authority). The connection is accepted, under the default policy (revocation = "soft-fail").
account-revocation-ocsp-unanswered = Warning: whether the certificate of { $endpoint } is revoked could not be checked: its authority's OCSP responder ({ $responder }) { $failure ->
    [no-answer] did not answer
   *[unusable] gave an answer that cannot be relied on
}. The connection is accepted, under the default policy (revocation = "soft-fail").
account-revocation-ocsp-good = Certificate of { $endpoint }: not revoked, according to its authority's OCSP responder ({ $responder }).

## Connection errors
error-unreachable = Cannot reach { $endpoint }: check the server address and the network connection.
error-timeout = The server { $endpoint } does not answer. Try again in a few minutes.
error-starttls-missing = The server { $endpoint } offers no encrypted connection (STARTTLS). Pli refuses to send your credentials in clear.
error-certificate-expired = The certificate of the server { $endpoint } has expired. Tell your MSSanté operator; do not force the connection.
error-certificate-not-yet-valid = The certificate of the server { $endpoint } is not valid yet. Check the computer's date and time.
error-certificate-wrong-host = The certificate presented does not belong to the server { $endpoint }. Check the server address: someone could be in between.
error-certificate-untrusted = The server { $endpoint } presents a certificate not signed by a trusted authority (IGC-Santé for an MSSanté mailbox). Connection refused.
error-certificate-revoked = The certificate of the server { $endpoint } has been revoked. Connection refused.
error-certificate-revocation-unknown = Pli cannot check that the certificate of the server { $endpoint } is not revoked: no current revocation list of its authority is known, and your operator's policy (revocation = "hard-fail") then refuses the connection. Your administrator can import the list (pli crl import) or download it (pli crl refresh); otherwise, tell them.
error-certificate-ocsp-unanswered = Pli cannot check that the certificate of the server { $endpoint } is not revoked: its authority's OCSP responder ({ $responder }) { $failure ->
    [no-answer] did not answer
   *[unusable] gave an answer that cannot be relied on
}, and your operator's policy (revocation = "hard-fail") then refuses the connection. Check that this computer can reach { $responder } (a firewall or a proxy may prevent it), then try again; if it goes on, tell your administrator, who can also import the authority's revocation list (pli crl import).
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
error-box-name = The mailbox name “{ $name }” may only hold letters, digits, “-”, “_” and “.”, and must not be empty.
error-box-address = “{ $address }” is not an e-mail address.
error-box-certificate-missing = Signing in with a certificate needs a certificate file (--cert).
error-box-pharmacy-not-organisational = Only an organisational (ORG) box can be a pharmacy's: patients may write first only to the pharmacy's box (--pharmacy needs --type org).
error-box-offline-months = The messages kept on this computer are counted in months, from 1 to 1200 (or “all” to keep everything).
error-accounts-file = The mailbox file cannot be read or written: { $detail }
error-profile = The profile folder is a problem: { $detail }

## Synchronisation and messages (command line)
sync-progress = { $folder }: { $done } / { $total } messages
sync-done = Synchronisation finished: { $folders } folders, { $new } new messages, { $changed } flags read again, { $removed } messages gone from the server.
sync-offline-progress = Offline copy: { $local } / { $wanted } messages
sync-offline-done = Offline copy: { $bodies } messages copied, { $local } / { $total } on this computer, { $dropped } older ones removed, { $skipped } PDFs not read.
error-sync = The synchronisation failed: { $detail }
error-store = The local message store is a problem: { $detail }
error-unknown-folder = The folder “{ $folder }” does not exist in this mailbox (run “pli sync” first).
error-unknown-message = No message has the number { $uid } in this folder.
sync-outbox-sent = { $count ->
    [one] One message of the outbox left.
   *[other] { $count } messages of the outbox left.
}
sync-outbox-waiting = The outbox could not leave; its messages wait for the next pass: { $reason }
send-queued = Message put in the outbox of “{ $name }”; it leaves with the box's next pass (Pli's window or “pli sync { $name }”).
send-refused = The message was not put in the outbox: { $reason }
send-refused-outside-hint = From the command line nothing leaves the trust space: send this message from Pli's window, which asks for your consent.
send-file-unreadable = “{ $path }” cannot be read: { $detail }
send-body-not-text = “{ $path }” is not text (UTF-8): the body of a message must be; attach this file with --attach.
send-document-incomplete = To send a health document, also give { $missing }.
send-document-without = --document is missing: { $options } only go with a health document.
send-document-bad-date = “{ $date }” is not a birth date in the DD/MM/YYYY form.
send-document-bad-sex = “{ $sex }” is not a civil-status sex: F or M.
send-document-bad-kind = “{ $kind }” is not a kind of INS: nir, nia, test or demo.
send-document-bad-status = “{ $status }” is not an identity status: PROV, RECUP, VALI or QUAL.
send-document-count = { $option } is given { $count ->
    [one] once
   *[other] { $count } times
    } for { $documents } --document: give one per document, in the same order.
health-document-unknown-type = “{ $code }” is not a document type Pli knows. Types offered: { $known }.
health-document-not-pdf = The document is not a PDF: only a PDF is sent as a health document (CDA R2 level 1).
health-document-second-archive = The message already carries an IHE_XDM.ZIP archive: a message with health documents concerns a single patient. Send this document in another message.
health-document-another-patient = The message is addressed to another patient than the document's: a message with health documents concerns a single patient.
health-document-archive = The IHE_XDM.ZIP archive could not be built: { $detail }
health-document-none = No health document to send.
health-document-several-patients = Document { $position } ({ $file }) is about another patient than the first: a message of health documents is about one patient only. Send it in another message.
health-document-unqualified-unconfirmed = This patient's identity is not qualified: confirm sending the document with your structure's local identifier (the message will carry X-MSS-INS: N and the receiver cannot match it to an INS).
health-document-unqualified-to-patient = A document about a patient without a qualified INS cannot go to a patient's messaging (their address is their INS).
health-document-incomplete-identity = The patient's birth name and first names are needed.
local-id-empty = The patient's local identifier (IPP) is empty.
local-id-bad = The patient's local identifier holds characters an identifier may not (space, ^, &, ~, |, \, quotes, angle brackets) or is longer than 64 characters.
local-id-bad-authority = "{ $authority }" is not an OID: the assigning authority is written as digits separated by dots, such as 1.2.250.1.999.1.2.
local-id-ins-authority = { $authority } is the OID of an INS: give the INS as such, with the qualified identity.

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
whitelist-kept = The trust-space list could not be refreshed; the one in use is kept: { $detail }
whitelist-origin-bundled = Trust-space list in use: the one shipped with Pli (never fetched on this workstation).
whitelist-origin-profile = Trust-space list in use: fetched or imported on this workstation.
whitelist-domains = Domains: { $count }
whitelist-generated = Generated by the ANS on { $date }
whitelist-fetched = Last fetched: { $date }
whitelist-imported = Last imported from a file: { $date }
whitelist-last-failure = Last try ({ $date }) failed: { $detail }
whitelist-never = never
trace-bad-date = “{ $date }” is not a date: write it YYYY-MM-DD, for example 2026-05-01.

## Mailbox inactivity
account-last-use = last used on { $date } ({ $person })
account-never-used = never used on this workstation
inactivity-warning = Unless it is used, this mailbox will be deleted by the operator on { $date }. One action is enough to keep it: sign in, read, send or file a message.
inactivity-deleted = This mailbox has not been used for over a year: it was probably deleted on { $date }. Contact your MSSanté operator.

## Reading a message (command line)
show-from = From
show-to = To
show-cc = Cc
show-date = Date
show-subject = Subject
show-patient = Patient
show-patient-yes = message from a patient (Mon espace santé)
show-conversation = Conversation
show-conversation-closed = closed by the professional

## MSSanté screens: writing to a patient, inactivity banners, lock, trust space, patient-message markers
patient-title = Write to a patient
patient-hint = Type the identity as the patient's record holds it (INSi teleservice answer, identity document). Pli builds the Mon espace santé address from the matricule INS. Mon espace santé refuses messages over { $limit } MB, attachments included.
patient-matricule-hint = X XX XX XX XXX XXX XX
patient-matricule-format = 15 characters, spaces allowed, as on the Vitale card.
patient-matricule-progress = { $typed ->
    [one] { $typed } character of 15
   *[other] { $typed } characters of 15
}
patient-birth-name = Birth name
patient-birth-name-hint = DUPONT
patient-first-names = First names
patient-first-names-hint = all birth first names, in order
patient-birth-date = Date of birth
patient-birth-date-hint = DD/MM/YYYY
patient-birth-date-invalid = “{ $date }” is not a date of birth: write it DD/MM/YYYY, for example 14/03/1979.
patient-status = Identity status
patient-status-qual = QUAL — qualified identity
patient-status-vali = VALI — validated identity
patient-status-recup = RECUP — recovered identity
patient-status-prov = PROV — provisional identity
patient-choose = Choose…
patient-matricule-says = What the matricule says
patient-typed = What you typed
patient-agrees = agrees
patient-differs = does not agree
patient-not-checked = cannot be checked
patient-missing = To write to this patient, fill in: { $fields }.
patient-missing-matricule = the matricule INS
patient-missing-birth-name = the birth name
patient-missing-first-names = the first names
patient-missing-birth-date = the date of birth
patient-missing-sex = the sex
patient-missing-status = the identity status
patient-write = Write to this patient
patient-close = Close
patient-civility-female = Ms
patient-civility-male = Mr
patient-confirm = You are about to write to { $civility } { $name }, born { $birth }, INS { $ins }. Check that this is your patient before you confirm.
patient-confirm-write = Confirm and write
patient-revise = Change
identity-error-not-qualified = The identity status is { $status }, not QUAL: only a qualified identity (checked with the INSi teleservice and against an identity document) may be used to write to a patient. Qualify the identity in the patient's record, then choose QUAL.
identity-error-sex = The matricule is that of a { $matricule } person but the identity says { $identity }: this matricule may belong to someone else. Check the matricule and the sex against the Vitale card or the INSi answer.
identity-error-year = The matricule gives a birth year ending in { $matricule } but the identity says { $identity }: this matricule may belong to someone else. Check the matricule and the date of birth.
identity-error-month = The matricule gives birth month { $matricule } but the identity says { $identity }: this matricule may belong to someone else. Check the matricule and the date of birth.
banner-inactive-title = The mailbox “{ $name }” is no longer used
banner-deleted-title = The mailbox “{ $name }” has probably been deleted
banner-keep-alive = Keep this mailbox
banner-keep-alive-running = Signing in…
lock-title = Pli is locked
lock-intro = Type your PIN to show your messages.
lock-starting = Opening the system keyring…
lock-retry = Try again
lock-choose-title = Choose a lock PIN
lock-choose-intro = Pli hides your messages when this workstation is left idle. Choose a PIN of { $min } to { $max } digits to show them again, then type it a second time.
lock-pin-hint = PIN
lock-pin-again-hint = Confirm the PIN
lock-choose = Save the PIN
lock-unlock = Unlock
lock-pin-length = The PIN has { $min } to { $max } digits.
lock-pins-differ = The two PINs differ: type the same PIN twice.
lock-wrong-pin = { $left ->
    [one] Wrong PIN. One more try before you have to wait.
   *[other] Wrong PIN. { $left } more tries before you have to wait.
}
lock-wait-seconds = Too many wrong PINs: try again in { $seconds } s.
lock-wait-minutes = Too many wrong PINs: try again in { $minutes } min.
lock-forgotten = Forgotten PIN: whoever manages this workstation can delete it from the system keyring; Pli will then ask you to choose a new one.
trust-outside-title = This message would leave the MSSanté trust space
trust-outside-intro = Outside the trust space, the message travels by ordinary e-mail, without the guarantees of secure health messaging. Send health data there only knowingly.
trust-blocked-title = This message cannot leave as it is
trust-blocked-intro = Fix what is marked in red, then send again.
trust-notice-title = To check before sending
trust-notice-intro = Nothing stops the message, but check these addresses.
trust-issue-outside = “{ $address }” is not an MSSanté address: this recipient is outside the trust space.
trust-issue-invalid-patient = The patient address “{ $address }” is not valid and will not be used. { $reason }
trust-issue-too-large = The message weighs { $size } MB: Mon espace santé refuses messages over { $limit } MB. Remove attachments or spread them over several messages.
trust-issue-unlisted = “{ $address }” ends with mssante.fr but its domain is not in the trust-space list: check the spelling of the address (the domain may be newer than the list).
trust-send = Send
trust-send-anyway = Send anyway outside the trust space
trust-cancel = Cancel
trust-back = Back to the message
marker-patient = Patient
marker-ins = INS { $ins }
marker-unsolicited = Unsolicited message:
marker-unsolicited-detail = this patient writes outside a conversation opened by this mailbox
marker-prescription = Digital prescription
marker-conversation-closed = Conversation closed: the patient can no longer reply. To get back in touch, write them a new message.
bounce-conversation-closed = Not delivered: the conversation with this patient was closed. To get back in touch, the professional must write them a new message.
bounce-messaging-closed = Not delivered: this patient's Mon espace santé messaging is closed or deactivated. Contact the patient another way.
bounce-patient-unknown = Not delivered: no Mon espace santé messaging matches this matricule INS. Check the matricule with the patient or the INSi teleservice.
bounce-invalid-address = Not delivered: the patient's address is not valid. Check the matricule INS it contains.
bounce-too-large = Not delivered: it exceeds the size Mon espace santé accepts ({ $limit } MB, attachments included). Remove attachments or spread them over several messages.
bounce-other = Not delivered, for a reason the server does not give. The details are in the non-delivery report.

## National directory (command line)
directory-imported = Directory imported: { $rows } rows, { $entries } mailboxes, { $skipped } rows left out, in { $seconds } s.
directory-import-failed = The directory was not replaced: { $detail }
directory-error = The local directory is a problem: { $detail }
directory-empty = The local directory is empty: import the extraction with “pli directory import FILE” or “pli directory refresh”.
directory-not-due = The directory was checked less than a day ago (use --force to check now).
directory-unchanged = The published directory has not changed since the last download.

## Main window (mail screens) — the window team's section
demo-title = demonstration
demo-notice = Demonstration: sample boxes, nothing is sent.
back-to-mail = ← Back to the mail
action-new-message = New message
action-settings = Settings
action-add-box = + Add a mailbox
drafts-in-progress = Being written
store-unavailable = The local message store cannot be opened: { $detail }
preferences-unwritable = The window settings could not be saved: { $detail }

## Mailbox state
connectivity-local = demonstration
connectivity-connecting = connecting…
connectivity-syncing = synchronising…
connectivity-syncing-count = synchronising { $done } / { $total }
connectivity-up-to-date = up to date
connectivity-offline-copy = offline copy { $local } / { $wanted }
connectivity-offline = offline
connectivity-auth-refused = sign-in refused
connectivity-certificate-refused = certificate refused
sync-error-server = The server interrupted the synchronisation: { $detail }
sync-error-store = The local store failed: { $detail }

## Folders
folder-inbox = Inbox
folder-sent = Sent
folder-drafts = Drafts
folder-trash = Trash
folder-junk = Junk
folder-archive = Archive

## Message list
list-count = { $count ->
    [0] no messages
    [one] { $count } message
   *[other] { $count } messages
}
list-no-folder = No folder
list-empty = This folder is empty.
list-no-subject = (no subject)
list-attachment-marker = Att
list-sort = Sort by
list-sort-date = Date
list-sort-patient = Patient
list-sort-type = Document type
list-filter-every-type = Every document type
list-filter-every-patient = Every patient
list-filter-no-ins = { $name } (no INS)
list-filter-unfiled = Not filed only
list-filter-active = Filtered: { $filters }
list-filter-clear = Clear filters
list-count-filtered = { $count ->
    [0] no message matches
    [one] { $count } message matches
   *[other] { $count } messages match
}
list-filtered-empty = No message of this folder matches the filters.
list-document-filed = filed
list-document-unfiled = to file
list-search-results = { $count ->
    [0] No results for “{ $query }”
    [one] One result for “{ $query }”
   *[other] { $count } results for “{ $query }”
}
list-search-empty = No message matches the search.
search-hint = Search this mailbox (Ctrl+F)
search-clear = Clear
search-on-server = on the server: this message is not on this computer
search-server-unreachable = The server could not be asked: messages that are only on the server may be missing from the results.
search-index-note = Not indexed: { $note }
search-bad-day = “{ $day }” is not a date: write it YYYY-MM-DD, for example 2026-03-31.
search-every-box = Every mailbox
search-with-attachment = With an attachment
search-asking-servers = Also searching the server, for the messages that are not on this computer…
search-on-server-marker = on the server
pdf-skip = PDF { $position } of { $of }: { $why }
pdf-skip-large = larger than { $megabytes } MiB
pdf-skip-time = took more than { $seconds } s of computing
pdf-skip-memory = needed more than { $megabytes } MiB of memory
pdf-skip-encrypted = protected by a password
pdf-skip-unreadable = not a readable PDF
pdf-skip-crashed = the PDF reader stopped on it
pdf-skip-pages = only the first { $read } of { $pages } pages were read
pdf-skip-no-reader = no PDF reader is available

## Patients
patient-marker = Patient · INS { $ins }
patient-marker-unverified = Patient · unreadable INS

## Reading
reader-nothing-selected = Choose a message in the list.
reader-loading = Downloading the message…
reader-retry = Try again
reader-body-missing = The content of this message is not available offline.
reader-body-gone = This message is no longer on the server.
reader-body-offline = The mailbox is offline: try again once it is connected.
reader-from = From:
reader-to = To:
reader-cc = Cc:
reader-date = Date:
reader-attachments = { $count ->
    [one] Attachment
   *[other] { $count } attachments
}
action-reply = Reply
action-reply-all = Reply all
action-forward = Forward
action-mark-read = Mark as read
action-mark-unread = Mark as unread
action-mark-junk = Junk
action-mark-not-junk = Not junk
action-delete = Delete
delete-no-trash = This message is already in the trash, or the mailbox has none.
attachment-open = Open
attachment-show = View
picture-size = { $width } × { $height } pixels
picture-turn = Turn ↻
picture-close = Close
picture-hint = Wheel: zoom · drag: move
picture-unsupported = This attachment is not a picture Pli shows (JPEG, PNG, GIF, WebP, BMP or TIFF): open it with another program.
picture-damaged = The picture is damaged and cannot be read: ask the sender to send it again.
picture-too-large = The picture is too large to show ({ $width } × { $height } pixels): save it and open it with another program if you trust it.
attachment-save = Save
attachment-saved = Saved in { $path }
attachment-opened = Opened from { $path }
attachment-failed = The attachment could not be written: { $detail }
attachment-no-folder = No Downloads folder is available to save the attachment in.
size-bytes = { $value } B
size-kilobytes = { $value } kB
size-megabytes = { $value } MB

## Writing
composer-title = New message
composer-title-reply = Reply
composer-untitled = (message without subject)
composer-back = ← Mail (Esc)
composer-discard = Discard
composer-send = Send
composer-send-hint = Ctrl+Enter sends. Esc keeps the draft and goes back to the mail.
composer-sending = Sending…
composer-no-recipient = Give at least one recipient.
composer-from = From:
composer-signs-as = Your correspondents will see: { $sender }
composer-to = To:
composer-cc = Cc:
composer-subject = Subject:
composer-subject-hint = Subject of the message
composer-address-hint = Name or MSSanté address, separated by commas
composer-body-hint = Your message
composer-attachments = Attachments:
composer-remove-attachment = Remove
composer-delivery-notification = Delivery receipt
composer-read-notification = Read receipt
composer-quote-attribution = On { $date }, { $name } wrote:
composer-forwarded = -------- Forwarded message --------
send-done = Message sent.
send-waiting = The message waits in the outbox; Pli will send it again: { $reason }
send-demo = demonstration mode, no message leaves.
send-error-bad-address = “{ $address }” is not a valid address.
send-error-build = The message could not be prepared: { $detail }
send-error-refused = The server refused the message: { $detail }
send-error-refused-some = the server refused a message of the outbox.
send-error-timeout = sending took too long.
send-error-sent-copy = the message left, but its copy in “Sent” failed ({ $detail }).
send-error-store = The local store failed: { $detail }
notification-new-messages = { $count ->
    [one] One new message
   *[other] { $count } new messages
}

## Settings
settings-title = Settings
settings-back = ← Back
settings-boxes = Mailboxes
settings-add-box = + Add a mailbox
settings-signature = Signature
settings-signature-hint = Added at the end of every message from this mailbox
settings-pharmacy = Pharmacy: this mailbox receives the prescriptions patients send
settings-keep = On this computer:
settings-keep-all = every message (full offline search)
settings-keep-months = the messages of the last { $months } months
settings-sharing-limited = Limited sharing: the server keeps no new keywords in { $folders }. “I'll handle it” and the prescription steps are not shared with your colleagues there.
settings-workstation = Shared workstation
settings-person-name = Your name
settings-person-name-hint = By default, the name of this computer's session
settings-person-name-note = Your colleagues see this name when you take a message of a shared mailbox; the trace records it with each action.
settings-templates = The pharmacy's answers to patients
settings-templates-note = Offered under a received prescription ("Reply: …"); the text starts the reply, which you read over before sending. With none saved, Pli offers its own.
settings-templates-name-hint = Button name, e.g. Order ready
settings-templates-text-hint = Text of the answer
settings-templates-remove = Remove
settings-templates-add = + Add an answer
settings-trust-list = Trust space
settings-trust-list-note = Pli downloads the list of the trust space's domains once a day; when that fails, it keeps the one in use.
settings-display = Display
settings-language = Language
settings-language-system = The system's
settings-theme = Theme
settings-theme-system = The system's (light or dark)
settings-theme-light = Light
settings-theme-dark = Dark
settings-notifications = Notifications
settings-notifications-note = A notification tells of new messages, never showing their sender or subject.
composer-patient-identity-title = Patient address: check the identity
composer-patient-identity-explain = Only a qualified identity (checked with the INSi service and an identity document) may be used to write to a patient. Check that the sex and birth date read from the matricule are those of the intended patient.
composer-patient-identity-check = Check the identity
composer-patient-identity-confirm = I checked this patient's (qualified) identity
composer-blocked = The message did not leave:
composer-close-conversation = Close the conversation with the patient (they can no longer reply)
send-issue-outside = “{ $address }” is outside the MSSanté trust space: health data goes there only with your consent.
send-issue-invalid-patient = “{ $address }” is not a valid patient address (the key of the INS does not match): check it against the Vitale card or the INSi result.
send-issue-too-large = The message weighs { $size }, more than the { $limit } Mon espace santé accepts.
send-issue-unlisted = The domain of “{ $address }” is not in the trust-space list Pli knows.
send-patient-identity-unconfirmed = The message goes to a patient whose identity was not confirmed: { $patients }. Check it is the right person, with a qualified identity, then confirm it.
patient-identity-reading = INS { $ins } ({ $sex }, born { $birth })
send-patient-identity-cli-hint = Once the (qualified) identity of each patient is checked, run it again with --patient-identity-confirmed.
send-unqualified-identity-cli-hint = To send it with your structure's local identifier, run it again with --unqualified-identity-confirmed.
reader-damaged = This message arrived damaged; Pli shows what it could read.
list-unsolicited = Unsolicited

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

## Pro Santé Connect (command line)
oidc-signed-out = Pro Santé Connect session ended on this computer.

## Window wiring (patient, directory, lock, banners)
action-write-to-patient = Write to a patient
action-directory = Directory
directory-title = National health directory
directory-close = Close
directory-search-hint = Name, profession, organisation, town…
directory-pane-empty = The directory has not been imported yet. Download the MSSanté mailbox extraction from annuaire.sante.fr, then import it with "Import a file…" or the command: pli directory import FILE
directory-unreadable = The directory cannot be read: { $detail }
directory-holding = { $count } mailboxes in the directory
directory-no-hit = No mailbox matches.
directory-box-type = { $code } box
directory-write = Write
directory-copy = Copy the address
directory-add-contact = Add to contacts
directory-copied = Address copied: { $address }
directory-contact-added = { $name } is in your contacts.
directory-contact-failed = The contact could not be saved: { $detail }
lock-keyring-interrupted = The keyring did not answer: try again.
banner-keep-alive-offline = The mailbox is not connected: Pli could not sign in to it. Try again once it is online.
banner-keep-alive-failed = Pli could not sign in to keep the mailbox: { $detail }
banner-keep-alive-unrecorded = Signing in worked, but Pli could not record it: { $detail }
reader-bounce = Not delivered to { $recipient }: { $reason }
prescriptions-folder = Prescriptions ({ $name })
prescriptions-title = Prescriptions
prescriptions-close = Back to the folders
prescriptions-none = No prescription received from a patient.
read-receipt-asked = The sender asks for a read receipt.
read-receipt-send = Send
read-receipt-ignore = Ignore
composer-attach = Attach a file…
composer-attach-failed = The file could not be attached: { $detail }
attachment-not-saved = Attachment not saved.
directory-import = Import a file…
directory-importing = Importing the extraction… the previous directory still answers searches.
directory-pane-imported = Directory imported: { $count } mailboxes.
directory-pane-import-failed = The import failed; the previous directory is kept: { $detail }
action-lock-now = Lock

## Files dropped onto the window
drop-to-attach = Drop the files to attach them to the message.
drop-to-new-message = Drop the files to attach them to a new message.
## Online Annuaire Santé: online lookup, API key (directory team's section)
directory-online-search = Search online
directory-online-search-tip = Ctrl+E: also search the online Annuaire Santé
directory-online-searching = Searching the online Annuaire Santé…
directory-online-found = Online Annuaire Santé: { $confirmed ->
        [one] { $confirmed } mailbox confirmed
       *[other] { $confirmed } mailboxes confirmed
    }, { $added ->
        [one] { $added } mailbox missing from the file added
       *[other] { $added } mailboxes missing from the file added
    }.
directory-online-nothing = Type a name to search online.
directory-online-off = Online lookup is not allowed on this workstation: turn on "Allow online lookup" in the settings, under Online Annuaire Santé.
directory-online-off-cli = Online lookup is not allowed for this profile: turn it on in the window's settings, or set directory_online = true in settings.toml.
directory-online-no-key = No Annuaire Santé API key is stored: add your personal key in the settings, under Online Annuaire Santé.
directory-online-key-refused = The Annuaire Santé refused the API key (status { $status }): check or replace it in the settings. The file's results are still shown.
directory-online-unreachable = The online Annuaire Santé does not answer ({ $detail }). Check the Internet connection; the file's results are still shown.
directory-online-not-fhir = The Annuaire Santé answered with a web page instead of data (maintenance?): try again later. The file's results are still shown.
directory-online-status = The Annuaire Santé answered with an error (status { $status }): try again later. The file's results are still shown.
directory-online-keyring = The API key could not be read: { $detail }
directory-origin-confirmed = confirmed online
directory-origin-online = online
settings-directory = Online Annuaire Santé
settings-directory-online = Allow online lookup
settings-directory-online-note = "Search online" sends the name searched for to the ANS's Annuaire Santé with your personal API key, for fresher data than the file and for applicative mailboxes. Off by default on a health workstation.
settings-directory-key = API key (ESANTE-API-KEY)
settings-directory-key-hint = Paste your personal key
settings-directory-key-save = Save the key
settings-directory-key-remove = Remove the key
settings-directory-key-stored = A key is stored in the system keyring.
settings-directory-key-none = No key is stored.
settings-directory-key-checking = Reading the keyring…
settings-directory-key-saved = The key is stored in the system keyring.
settings-directory-key-removed = The key was removed from the keyring.
settings-directory-key-failed = The keyring refused: { $detail }
settings-directory-key-demo = The demonstration does not use the keyring: no key is kept there, and "Search online" answers with samples.
directory-key-prompt = Annuaire Santé API key:
directory-key-set = The Annuaire Santé API key is stored in the keyring.
directory-key-removed = The Annuaire Santé API key was removed from the keyring.
directory-key-empty = No key was read from standard input: nothing was stored.
directory-key-status-stored = An Annuaire Santé API key is stored in the keyring.
directory-key-status-none = No Annuaire Santé API key is stored.
## Read receipts, drafts, trace export (mdn branch)
read-receipt-sent = Read receipt sent.
read-receipt-waiting = The read receipt waits in the outbox; Pli will send it again: { $reason }
read-receipt-already-sent = A read receipt has already been sent for this message.
read-receipt-blocked = The read receipt was not sent: { $issues }
draft-saved = Draft saved (in Pli and in the server's Drafts folder).
draft-save-failed = The draft could not be saved: { $detail }
settings-trace = Trace
settings-trace-note = Every action on the boxes is traced (who, when, which action, the request to the server and its answer), without passwords or message content. The export holds the lines still kept.
settings-trace-export = Export the trace (CSV)
settings-trace-exported = { $count ->
    [one] Trace exported: { $count } line written to { $path }.
   *[other] Trace exported: { $count } lines written to { $path }.
}
settings-trace-failed = Exporting the trace to { $path } failed: { $detail }
settings-trace-cancelled = Export cancelled: no file written.
## Pro Santé Connect in the window (issue 7)
psc-section = Pro Santé Connect
psc-not-signed-in = Not signed in to Pro Santé Connect.
psc-session-open = Pro Santé Connect session open on this computer.
psc-session-ended = The Pro Santé Connect session has ended: sign in again to receive and send this box's mail.
psc-waiting = Signing in…
psc-cancel = Cancel
psc-copy-address = Copy the sign-in address (if the browser did not open)

## Revocation lists of the servers' certificates
crl-imported = { $count ->
    [one] One revocation list added: connections now check it.
   *[other] { $count } revocation lists added: connections now check them.
}
crl-refused = The revocation list was not taken: { $detail }
crl-skipped = A revocation list is skipped: { $detail }
crl-no-address = This server's certificates do not say where their authority publishes its revocation list: import it with "pli crl import".
crl-refreshed = { $count } list(s) downloaded from { $addresses } address(es) (lists less than a day old are kept).

## Pro Santé Connect in the add-a-box form
form-auth-psc = Pro Santé Connect (CPS card or e-CPS)
form-auth-psc-sandbox = Pro Santé Connect — the ANS sandbox
form-psc-client-id = Pro Santé Connect client id
form-psc-client-id-hint = client_id the ANS gave Pli's registration
form-psc-test-after-sign-in = With Pro Santé Connect the connection is checked at the first sign-in: save the box, then "Sign in with Pro Santé Connect" under the list of boxes.

## Package files (pli package-files, run by the package build)
package-files-error = Cannot write { $path }: { $detail }

## Shared boxes: who handles what (pli handle, pli prescription)
handling-open = To handle: nobody has taken it.
handling-taken = Taken by { $name }.
handling-done = Handled by { $name }.
handling-error-server = The server could not record the action: { $detail }
handling-error-sharing-limited = This server does not keep shared keywords in this folder: sharing between workstations is limited for this box.
handling-error-taken-by = { $name } is already handling this message.
handling-error-done-by = { $name } has already handled this message.
handling-error-not-pharmacy = Prescription steps only apply to a pharmacy's box.
handling-error-no-name = No name for the person acting: give one with --as or in the settings (person_name).
handling-error-not-a-conversation = This message is not part of a conversation with a patient.
handling-conversation-done = { $count ->
    [one] 1 message of the conversation is up to date.
   *[other] { $count } messages of the conversation are up to date.
}
handling-conversation-left = Message { $uid } stays with { $name }, who took it.
handling-take-conversation = I'll handle the whole conversation
handling-conversation-some-left = { $count ->
    [one] 1 message of the conversation stays with the colleague who took it: { $names }.
   *[other] { $count } messages of the conversation stay with the colleagues who took them: { $names }.
}
prescription-unknown-state = Unknown prescription state: “{ $state }” (received, preparing, ready or delivered).
prescription-state-received = Prescription received.
prescription-state-preparing = Prescription being prepared.
prescription-state-ready = Order ready.
prescription-state-delivered = Prescription delivered.
account-sharing-limited = Sharing limited: the server keeps no shared keywords in { $folders }; who handles what there is not seen by other workstations.
handling-take = I'll handle it
handling-release = Give back
handling-mark-done = Handled
handling-reopen = Reopen
prescription-to-preparing = Being prepared
prescription-to-ready = Ready
prescription-to-delivered = Delivered
handling-view-to-handle = To handle
handling-view-mine = Taken by me
handling-view-handled = Handled
handling-view-to-handle-of = To handle ({ $name })
handling-view-mine-of = Taken by me ({ $name })
handling-view-handled-of = Handled ({ $name })
handling-view-none = No message here.
template-answer = Reply: { $name }
template-ready-name = Order ready
template-ready-text = Hello,

    Your order is ready: you may collect it at the pharmacy during opening hours, with your Carte Vitale.

    Kind regards,
template-preparing-name = Being prepared
template-preparing-text = Hello,

    We have received your prescription; it is being prepared. We will write to you as soon as it is ready.

    Kind regards,
template-missing-name = Prescription unreadable
template-missing-text = Hello,

    We cannot read your prescription. Could you send it again (a sharp, well-lit photo, or the PDF)?

    Kind regards,
## Health documents (IHE_XDM.ZIP, CDA R2): reading
xdm-refused-damaged = The IHE_XDM.ZIP archive is damaged or truncated, or is not a zip archive: its documents cannot be read.
xdm-refused-archive-too-large = The IHE_XDM.ZIP archive is larger than { $limit } MB: it was not opened.
xdm-refused-too-many-entries = The IHE_XDM.ZIP archive holds more than { $limit } files: it was not opened.
xdm-refused-entry-too-large = A file of the IHE_XDM.ZIP archive is larger than { $limit } MB once decompressed: the archive was not opened.
xdm-refused-too-large = The IHE_XDM.ZIP archive is larger than { $limit } MB once decompressed: it was not opened.
xdm-refused-bomb = A file of the IHE_XDM.ZIP archive decompresses far beyond its size (a zip bomb): the archive was not opened.
xdm-refused-unsafe-name = The IHE_XDM.ZIP archive holds a dangerous file name ("..", an absolute path or a device name): it was not opened.
xdm-refused-too-deep = The folders of the IHE_XDM.ZIP archive are nested too deeply: it was not opened.
xdm-refused-unsupported = The IHE_XDM.ZIP archive is encrypted or compressed in a way Pli does not read.
xdm-refused-not-xdm = This archive is not in the IHE XDM format (no IHE_XDM/…/METADATA.XML): its documents cannot be read.
xdm-xml-doctype = it declares a DOCTYPE, refused so that nothing outside is loaded
xdm-xml-entity = it holds an unknown XML entity, refused
xdm-xml-too-large = it is nested too deeply or too long
xdm-xml-malformed = it is not valid XML
xdm-problem-metadata-unreadable = { $file } cannot be read: { $reason }.
xdm-problem-too-many-documents = The metadata describe more than { $limit } documents: only the first { $limit } were read.
xdm-problem-no-document-entry = { $file } describes no document.
xdm-problem-no-uri = A document described in { $file } does not say which file holds it.
xdm-problem-missing-file = The file { $uri } named in the metadata is missing from the archive.
xdm-problem-size-mismatch = The file { $uri } is not the size announced ({ $actual } bytes instead of { $declared }): it may have been altered.
xdm-problem-hash-mismatch = The hash of the file { $uri } does not match the metadata: it may have been altered.
xdm-problem-not-verifiable = The metadata give no hash for { $uri }: its integrity cannot be checked.
xdm-problem-cda-unreadable = The document { $uri } cannot be read: { $reason }.
xdm-problem-pdf-damaged = The PDF inside { $uri } is damaged.
xdm-problem-pdf-too-large = The PDF inside { $uri } is larger than { $limit } MB: it was not extracted.
xdm-problem-patient-differs = The metadata and the document { $uri } do not name the same patient.
xdm-problem-several-patients = The documents of this message are about several patients: a message must be about one patient.
xdm-problem-not-the-messages-patient = The documents' INS is not the one of the patient this message is to or from.
xdm-problem-ins-header-without-ins = The message announces a qualified INS (X-MSS-INS: O) but no document carries one.
xdm-problem-ins-header-denies-ins = The message announces no qualified INS (X-MSS-INS: N) but a document carries one.
xdm-problem-codecda-differs = The message announces documents of type { $header } (X-MSS-CODECDA) but the archive holds documents of type { $documents }: check what they are.
xdm-ins-kind-nir = INS (NIR)
xdm-ins-kind-nia = INS (NIA)
xdm-ins-kind-test = test INS
xdm-ins-kind-demo = demonstration INS
xdm-ins-kind-other = local identifier
xdm-cannot-read-file = Cannot read { $path }: { $detail }
xdm-documents = { $count ->
    [0] No health document
    [one] 1 health document
   *[other] { $count } health documents
}
xdm-document-type = Type
xdm-document-title = Title
xdm-document-date = Date
xdm-document-patient = Patient
xdm-document-author = Author
xdm-document-custodian = Kept by
xdm-document-replaces = Replaces document
xdm-document-id = Identifier
xdm-document-file = File
xdm-document-pdf = PDF inside ({ $size })
xdm-document-integrity-verified = hash checked
xdm-document-integrity-mismatch = hash or size differs
xdm-document-integrity-not-verifiable = no hash
xdm-document-integrity-missing = file missing
xdm-pdf-saved = PDF saved: { $path }

## The health document card of the reader
document-card-badge = Health document
document-card-untyped = Type not given
document-card-replaces = This document replaces an earlier version: it is the current one.
document-card-integrity-mismatch = This file does not match the fingerprint the archive declares: it may have been altered on the way. Check with the sender before relying on it.
document-card-file-missing = This document's file is missing from the archive.
document-open-pdf = Open the PDF
document-save-pdf = Save
document-show = Show the document
document-hide = Hide the document
document-no-pdf = This document holds no PDF.
document-card-already-received = Already received on { $date }: this is not a new document.
document-card-replaces-dated = This document replaces the one of { $date }, which stays in the file as replaced.
document-card-replaced-by = A newer version of this document arrived on { $date }: this one is replaced.
document-card-filed = Filed in the patient's file
document-card-no-ins = No INS: this document cannot be filed in a patient's file from Pli.
document-card-unqualified = Identity not qualified: the sender names the patient by their structure's local identifier (X-MSS-INS: N). Check the identity before matching this document to a patient.
document-file = File
document-patient-file = Patient's file
store-too-new = The local message store was written by a newer Pli: update Pli.
patient-file-title = Patient's file — INS { $ins }
patient-file-title-none = Patient's file
patient-file-loading = Reading the file…
patient-file-empty = No message or document about this patient in the boxes of this workstation.
patient-file-filed = filed
patient-file-not-filed = not filed
patient-file-replaced = Replaced by the version received on { $date }
patient-file-replaced-short = replaced by a newer version
composer-attach-document = Attach a health document
document-form-type = Document type
document-form-title = Title (optional)
document-form-ins-kind = Identifier
document-form-ins-nir = INS-NIR
document-form-ins-nia = INS-NIA
document-form-identifier = Patient named by
document-form-by-ins = their INS (qualified identity)
document-form-by-local-id = the structure's local identifier (identity not qualified)
document-form-local-id = Local identifier (IPP)
document-form-authority = OID of the assigning authority
document-form-unqualified-confirm = I send this document with an identity that is not qualified: the message will carry X-MSS-INS: N and the receiver cannot match it to an INS.
document-form-bad-birth-date = Type the patient's birth date as DD/MM/YYYY.
document-form-no-sex = Choose the patient's sex.
document-form-no-type-of = Choose the type of the health document { $file }.
document-form-patient = Patient the documents are about
document-form-add = Add a document (same patient)
document-form-remove = Remove
document-form-explained = Pli wraps each PDF in its own CDA R2 level 1, all inside one IHE_XDM.ZIP archive, attaches the PDFs beside it too, and writes the XDM/1.0/DDM+ subject after the first document: one patient per message, named by a qualified INS or, identity not qualified, by your structure's local identifier.
document-match = Match with a patient…
document-match-explained = This document carries no qualified INS. Type the patient's INS, compare both identities, and file it only if they are the same person.
document-match-heading = Identity
document-match-document = as the document says
document-match-patient = as your files say
document-match-unknown = No document about this patient on this workstation: compare with your practice software before filing.
document-match-cancel = Cancel
document-match-confirm = File with this patient
