## Pli — textes français (langue par défaut)

app-name = Pli
app-tagline = Messagerie sécurisée de santé

## Écran d'accueil
welcome-title = Bienvenue dans Pli
welcome-intro = Pli ouvre vos boîtes aux lettres MSSanté : nominative, organisationnelle ou applicative. Commencez par ajouter une boîte.
welcome-add-box = Ajouter une boîte aux lettres

## Formulaire de boîte
form-name = Nom court
form-name-hint = cabinet, ehpad, officine…
form-address = Adresse MSSanté
form-address-hint = prenom.nom@exemple.mssante.fr
form-type = Type de boîte
form-type-per = Nominative (PER)
form-type-org = Organisationnelle (ORG)
form-type-app = Applicative (APP)
form-display-name = Nom affiché
form-display-name-hint = Dr_Jean_MARTIN_Cabinet
form-imap = Serveur IMAP (hôte:port)
form-smtp = Serveur SMTP (hôte:port)
form-security = Sécurité
form-security-starttls = STARTTLS (ports 143 et 587)
form-security-tls = TLS direct (ports 993 et 465)
form-auth = Authentification
form-auth-password = Mot de passe
form-auth-certificate = Certificat client
form-auth-xoauth2 = Pro Santé Connect (jeton)
form-password = Mot de passe
form-token = Jeton d'accès
form-certificate = Fichier du certificat (.p12 ou .pem)
form-certificate-passphrase = Mot de passe du certificat
form-ca-file = Autorité supplémentaire (fichier PEM, facultatif)
form-discover = Trouver les serveurs
form-discovering = Recherche des serveurs…
form-discovered = Serveurs trouvés pour { $domain }.
form-not-discovered = Aucun serveur annoncé pour { $domain } : saisissez-les.
form-test = Tester la connexion
form-testing = Test en cours…
form-save = Enregistrer la boîte
form-saved = La boîte « { $name } » est enregistrée.
form-test-ok = Connexion réussie.
form-test-imap-ok = IMAP : connecté ({ $count } capacités).
form-test-smtp-ok = SMTP : connecté ({ $count } extensions).
form-test-failed = Échec de la connexion.
form-invalid = Vérifiez le formulaire : { $reason }

## Boîtes
box-kind-per = nominative
box-kind-org = organisationnelle
box-kind-app = applicative
account-added = Boîte « { $name } » ajoutée ({ $address }).
account-removed = Boîte « { $name } » supprimée, ses secrets aussi.
account-none = Aucune boîte n'est configurée. Ajoutez-en une avec « pli account add ».
account-secret-prompt = Secret de la boîte « { $name } » (lu sur l'entrée standard) :
account-secret-empty = Aucun secret reçu sur l'entrée standard : la boîte n'est pas enregistrée.
account-config-problem = Fichier des boîtes, ligne { $line } : { $message }
account-imap-ok = IMAP { $endpoint } : connecté. Capacités : { $capabilities }
account-smtp-ok = SMTP { $endpoint } : connecté. Extensions : { $capabilities }

## Erreurs de connexion (phrases qu'une secrétaire comprend)
error-unreachable = Impossible de joindre { $endpoint } : vérifiez l'adresse du serveur et la connexion réseau.
error-timeout = Le serveur { $endpoint } ne répond pas. Réessayez dans quelques minutes.
error-starttls-missing = Le serveur { $endpoint } ne propose pas de connexion chiffrée (STARTTLS). Pli refuse d'envoyer vos identifiants en clair.
error-certificate-expired = Le certificat du serveur { $endpoint } a expiré. Prévenez votre opérateur MSSanté ; ne forcez pas la connexion.
error-certificate-not-yet-valid = Le certificat du serveur { $endpoint } n'est pas encore valide. Vérifiez la date et l'heure de l'ordinateur.
error-certificate-wrong-host = Le certificat présenté n'appartient pas au serveur { $endpoint }. Vérifiez l'adresse du serveur : quelqu'un pourrait s'interposer.
error-certificate-untrusted = Le serveur { $endpoint } présente un certificat qui n'est pas signé par une autorité de confiance (IGC-Santé pour une boîte MSSanté). Connexion refusée.
error-certificate-revoked = Le certificat du serveur { $endpoint } a été révoqué. Connexion refusée.
error-certificate-other = Le certificat du serveur { $endpoint } n'est pas valide ({ $detail }).
error-tls = La connexion chiffrée avec { $endpoint } a échoué ({ $detail }).
error-not-the-protocol = { $endpoint } ne répond pas comme un serveur { $protocol } : vérifiez le numéro de port.
error-wrong-password = Le serveur { $endpoint } refuse le mot de passe de { $login }. Vérifiez-le, puis réessayez.
error-token-refused = Votre session Pro Santé Connect a expiré : reconnectez-vous.
error-certificate-refused = Le serveur { $endpoint } refuse votre certificat client.
error-server = Le serveur { $endpoint } a répondu : { $detail }
error-config = La boîte est mal configurée : { $detail }
error-keyring-unavailable = Le trousseau du système n'est pas disponible. Sous Linux, démarrez GNOME Trousseau ou KeePassXC.
error-keyring-locked = Le trousseau du système est verrouillé : déverrouillez-le puis réessayez.
error-keyring-missing = Le trousseau ne contient pas le secret de la boîte « { $name } ». Saisissez-le à nouveau.
error-keyring-other = Le trousseau du système a échoué ({ $detail }).
error-certificate-file = Le fichier de certificat pose problème : { $detail }
error-unknown-box = Aucune boîte ne s'appelle « { $name } ».
error-duplicate-box = Une boîte s'appelle déjà « { $name } ».
error-accounts-file = Le fichier des boîtes ne peut pas être lu ou écrit : { $detail }
error-profile = Le dossier de profil pose problème : { $detail }

## Synchronisation et messages (ligne de commande)
sync-progress = { $folder } : { $done } / { $total } messages
sync-done = Synchronisation terminée : { $folders } dossiers, { $new } nouveaux messages, { $changed } marques relues, { $removed } messages disparus du serveur.
error-sync = La synchronisation a échoué : { $detail }
error-store = Le stockage local des messages pose problème : { $detail }
error-unknown-folder = Le dossier « { $folder } » n'existe pas dans cette boîte (lancez « pli sync » d'abord).
error-unknown-message = Aucun message ne porte le numéro { $uid } dans ce dossier.

## Matricule INS
ins-error-empty = Le matricule INS est vide : saisissez les 15 caractères du matricule du patient.
ins-error-length = Le matricule INS compte { $found } caractères au lieu de 15 (13 caractères puis une clé de 2 chiffres).
ins-error-character = Le caractère { $position } (« { $found } ») n'est pas admis : un matricule INS ne contient que des chiffres, sauf 2A ou 2B en positions 6 et 7 pour une naissance en Corse.
ins-error-key = La clé { $found } ne correspond pas aux 13 premiers caractères, qui donnent { $expected } : un caractère est sans doute mal saisi. Vérifiez tout le matricule sur la carte Vitale ou le retour INSi plutôt que de changer la clé.
ins-warning-sex = Le premier chiffre ({ $digit }) ne dit pas le sexe (numéro provisoire ou particulier) : le sexe n'est pas vérifié.
ins-warning-month-unknown = Le mois de naissance est inconnu dans l'état civil (code { $code }) : il n'est pas vérifié.
ins-warning-month-unusual = Le code de mois { $code } est inhabituel : le mois de naissance n'est pas vérifié.
ins-sex-male = masculin
ins-sex-female = féminin
ins-unknown = inconnu
ins-place-department = département { $department }, commune { $commune }
ins-place-overseas = outre-mer { $territory }, commune { $commune }
ins-place-abroad = né(e) à l'étranger (pays { $country })
ins-label-matricule = Matricule INS
ins-label-address = Adresse du patient
ins-label-sex = Sexe
ins-label-birth = Naissance (mois/année)
ins-label-place = Lieu de naissance
ins-valid = Matricule INS valide.
ins-invalid = Matricule INS refusé : { $reason }

## Liste blanche et traces
whitelist-installed = Liste de l'espace de confiance installée : { $count } domaines.
whitelist-refused = La liste n'a pas été changée : { $detail }
trace-bad-date = « { $date } » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2026-05-01.

## Connexion Pro Santé Connect (OpenID Connect)
oidc-not-configured = La boîte « { $name } » n'est pas réglée pour la connexion Pro Santé Connect.
oidc-missing-issuer = Les réglages de connexion de la boîte ne nomment aucun fournisseur : choisissez Pro Santé Connect ou saisissez l'adresse d'un fournisseur.
oidc-missing-client-id = Les réglages de connexion de la boîte n'ont pas d'identifiant client : saisissez celui reçu lors de l'inscription de Pli.
oidc-bad-issuer-not-an-address = « { $issuer } » n'est pas une adresse web de fournisseur : vérifiez-la.
oidc-bad-issuer-not-https = L'adresse du fournisseur « { $issuer } » doit commencer par https:// : sans chiffrement, la connexion pourrait être interceptée.
oidc-bad-issuer-query = L'adresse du fournisseur « { $issuer } » ne doit contenir ni « ? » ni « # » : vérifiez-la.
oidc-unreachable = Le service de connexion { $issuer } ne répond pas ({ $detail }). Vérifiez la connexion au réseau et réessayez.
oidc-no-configuration = { $issuer } n'a pas de configuration OpenID Connect ({ $url } répond { $status }) : vérifiez l'adresse du fournisseur.
oidc-not-a-provider = { $url } ne renvoie pas de configuration OpenID Connect (mais une page web, par exemple) : vérifiez l'adresse du fournisseur.
oidc-issuer-mismatch = Le fournisseur { $issuer } se présente sous une autre adresse : saisissez exactement l'adresse qu'il annonce.
oidc-protocol = Le service de connexion { $issuer } a répondu d'une façon que Pli ne comprend pas ({ $detail }). Réessayez plus tard.
oidc-listener = Pli ne peut pas attendre la réponse du navigateur sur cet ordinateur ({ $detail }).
oidc-browser = Le navigateur n'a pas pu être ouvert ({ $detail }) : ouvrez vous-même l'adresse de connexion dans un navigateur.
oidc-timed-out = La connexion n'est pas revenue du navigateur dans les { $minutes } minutes : reconnectez-vous.
oidc-cancelled = La connexion a été annulée.
oidc-state-mismatch = Le navigateur a renvoyé une réponse qui n'appartient à aucune connexion lancée par Pli : elle a été refusée. Reconnectez-vous.
oidc-issuer-mix-up = Le navigateur revient d'un autre service de connexion que { $issuer } : la réponse a été refusée. Reconnectez-vous.
oidc-denied-by-user = La connexion à Pro Santé Connect a été refusée ou abandonnée : reconnectez-vous avec Pro Santé Connect quand vous le souhaitez.
oidc-denied = La connexion n'a pas abouti ({ $error }) : reconnectez-vous avec Pro Santé Connect.
oidc-code-refused = { $issuer } a refusé le code rapporté par le navigateur (déjà utilisé, expiré ou venu d'une autre connexion) : reconnectez-vous.
oidc-bad-id-token = L'identité envoyée par { $issuer } n'a pas passé les vérifications ({ $detail }) : elle a été refusée.
oidc-weak-authentication = La connexion a atteint le niveau « { $got } » au lieu de « { $asked } » : connectez-vous avec votre carte CPS ou l'application e-CPS.
oidc-client-refused = { $issuer } refuse Pli comme client ({ $error }) : vérifiez l'identifiant et le secret client dans les réglages de connexion de la boîte.
oidc-refresh-refused = Pro Santé Connect a refusé de prolonger la session : reconnectez-vous avec Pro Santé Connect.
oidc-not-signed-in = La boîte « { $name } » n'est pas connectée : connectez-vous avec Pro Santé Connect.
oidc-session-ended = La session Pro Santé Connect de la boîte « { $name } » a pris fin : reconnectez-vous avec Pro Santé Connect.
oidc-sign-in = Se connecter avec Pro Santé Connect
oidc-sign-in-waiting = Terminez la connexion dans votre navigateur (carte CPS ou application e-CPS)…
oidc-sign-in-open-address = Si le navigateur ne s'ouvre pas, ouvrez cette adresse : { $url }
oidc-signed-in-as = Connecté à Pro Santé Connect : { $name }
oidc-sign-out = Se déconnecter de Pro Santé Connect
oidc-preset-psc = Pro Santé Connect
oidc-preset-psc-sandbox = Pro Santé Connect (bac à sable de test)
oidc-refresh-token-keyring = Rester connecté sur cet ordinateur (trousseau du système)
oidc-refresh-token-memory = Se déconnecter en fermant Pli (poste partagé)
