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
form-auth-xoauth2 = Jeton OAuth 2 fourni par l'opérateur (XOAUTH2)
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
form-secret-empty = Saisissez le mot de passe ou le jeton de la boîte : elle n'est pas enregistrée.

## Boîtes
box-kind-per = nominative
box-kind-org = organisationnelle
box-list-last-use = utilisée le { $date }
box-list-never-used = jamais utilisée sur ce poste
box-list-deletion-due = Suppression le { $date }
box-list-deleted = Probablement supprimée
box-kind-app = applicative
account-added = Boîte « { $name } » ajoutée ({ $address }).
account-removed = Boîte « { $name } » supprimée, ses secrets aussi.
account-set-nothing = Rien à changer : indiquez par exemple --pharmacy true.
account-pharmacy-on = Boîte « { $name } » : elle reçoit désormais les ordonnances des patients (officine).
account-pharmacy-off = Boîte « { $name } » : elle ne reçoit plus les ordonnances des patients.
account-offline-months = Boîte « { $name } » : seuls les messages des { $months } derniers mois restent sur cet ordinateur ; les plus anciens y gardent leur en-tête et restent sur le serveur.
account-offline-all = Boîte « { $name } » : tous les messages restent sur cet ordinateur.
account-none = Aucune boîte n'est configurée. Ajoutez-en une avec « pli account add ».
account-secret-prompt = Secret de la boîte « { $name } » (lu sur l'entrée standard) :
account-secret-empty = Aucun secret reçu sur l'entrée standard : la boîte n'est pas enregistrée.
account-config-problem = Fichier des boîtes, ligne { $line } : { $message }
account-imap-ok = IMAP { $endpoint } : connecté. Capacités : { $capabilities }
account-smtp-ok = SMTP { $endpoint } : connecté. Extensions : { $capabilities }
account-revocation-unknown = Attention : la révocation du certificat de { $endpoint } n'a pas pu être vérifiée (aucune liste de révocation à jour de son autorité). La connexion est acceptée, selon la politique par défaut (revocation = "soft-fail").
account-revocation-ocsp-unanswered = Attention : la révocation du certificat de { $endpoint } n'a pas pu être vérifiée : le répondeur OCSP de son autorité ({ $responder }) { $failure ->
    [no-answer] n'a pas répondu
   *[unusable] a donné une réponse inutilisable
}. La connexion est acceptée, selon la politique par défaut (revocation = "soft-fail").
account-revocation-ocsp-good = Certificat de { $endpoint } : non révoqué, selon le répondeur OCSP de son autorité ({ $responder }).

## Erreurs de connexion (phrases qu'une secrétaire comprend)
error-unreachable = Impossible de joindre { $endpoint } : vérifiez l'adresse du serveur et la connexion réseau.
error-timeout = Le serveur { $endpoint } ne répond pas. Réessayez dans quelques minutes.
error-starttls-missing = Le serveur { $endpoint } ne propose pas de connexion chiffrée (STARTTLS). Pli refuse d'envoyer vos identifiants en clair.
error-certificate-expired = Le certificat du serveur { $endpoint } a expiré. Prévenez votre opérateur MSSanté ; ne forcez pas la connexion.
error-certificate-not-yet-valid = Le certificat du serveur { $endpoint } n'est pas encore valide. Vérifiez la date et l'heure de l'ordinateur.
error-certificate-wrong-host = Le certificat présenté n'appartient pas au serveur { $endpoint }. Vérifiez l'adresse du serveur : quelqu'un pourrait s'interposer.
error-certificate-untrusted = Le serveur { $endpoint } présente un certificat qui n'est pas signé par une autorité de confiance (IGC-Santé pour une boîte MSSanté). Connexion refusée.
error-certificate-revoked = Le certificat du serveur { $endpoint } a été révoqué. Connexion refusée.
error-certificate-revocation-unknown = Pli ne peut pas vérifier que le certificat du serveur { $endpoint } n'est pas révoqué : aucune liste de révocation à jour de son autorité n'est connue, et la politique de votre opérateur (revocation = "hard-fail") refuse alors la connexion. Votre administrateur peut importer la liste (pli crl import) ou la télécharger (pli crl refresh) ; sinon, prévenez-le.
error-certificate-ocsp-unanswered = Pli ne peut pas vérifier que le certificat du serveur { $endpoint } n'est pas révoqué : le répondeur OCSP de son autorité ({ $responder }) { $failure ->
    [no-answer] n'a pas répondu
   *[unusable] a donné une réponse inutilisable
}, et la politique de votre opérateur (revocation = "hard-fail") refuse alors la connexion. Vérifiez que cet ordinateur peut joindre { $responder } (un pare-feu ou un proxy peut l'empêcher), puis réessayez ; si cela continue, prévenez votre administrateur, qui peut aussi importer la liste de révocation de l'autorité (pli crl import).
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
error-box-name = Le nom de boîte « { $name } » ne peut contenir que des lettres, des chiffres, « - », « _ » et « . », et ne peut pas être vide.
error-box-address = « { $address } » n'est pas une adresse de messagerie.
error-box-certificate-missing = La connexion par certificat demande un fichier de certificat (--cert).
error-box-pharmacy-not-organisational = Seule une boîte organisationnelle (ORG) peut être celle d'une officine : les patients ne peuvent écrire les premiers qu'à la boîte de la pharmacie (--pharmacy demande --type org).
error-box-offline-months = Les messages gardés sur cet ordinateur se comptent en mois, de 1 à 1200 (ou « all » pour tout garder).
error-accounts-file = Le fichier des boîtes ne peut pas être lu ou écrit : { $detail }
error-profile = Le dossier de profil pose problème : { $detail }

## Synchronisation et messages (ligne de commande)
sync-progress = { $folder } : { $done } / { $total } messages
sync-done = Synchronisation terminée : { $folders } dossiers, { $new } nouveaux messages, { $changed } marques relues, { $removed } messages disparus du serveur.
sync-offline-progress = Copie hors ligne : { $local } / { $wanted } messages
sync-offline-done = Copie hors ligne : { $bodies } messages copiés, { $local } / { $total } sur cet ordinateur, { $dropped } plus anciens retirés, { $skipped } PDF non lus.
error-sync = La synchronisation a échoué : { $detail }
error-store = Le stockage local des messages pose problème : { $detail }
error-unknown-folder = Le dossier « { $folder } » n'existe pas dans cette boîte (lancez « pli sync » d'abord).
error-unknown-message = Aucun message ne porte le numéro { $uid } dans ce dossier.
sync-outbox-sent = { $count ->
    [one] Un message de la boîte d'envoi est parti.
   *[other] { $count } messages de la boîte d'envoi sont partis.
}
sync-outbox-waiting = La boîte d'envoi n'a pas pu partir ; ses messages attendent le prochain passage : { $reason }
send-queued = Message placé dans la boîte d'envoi de « { $name } » ; il part au prochain passage de la boîte (la fenêtre de Pli ou « pli sync { $name } »).
send-refused = Le message n'a pas été mis dans la boîte d'envoi : { $reason }
send-refused-outside-hint = Depuis la ligne de commande, rien ne part hors de l'espace de confiance : envoyez ce message depuis la fenêtre de Pli, qui vous demande votre accord.
send-file-unreadable = « { $path } » ne peut pas être lu : { $detail }
send-body-not-text = « { $path } » n'est pas un texte (UTF-8) : le corps du message doit en être un ; joignez ce fichier avec --attach.
send-document-incomplete = Pour envoyer un document de santé, donnez aussi { $missing }.
send-document-without = --document manque : { $options } ne servent qu'avec un document de santé.
send-document-bad-date = « { $date } » n'est pas une date de naissance au format JJ/MM/AAAA.
send-document-bad-sex = « { $sex } » n'est pas un sexe de l'état civil : F ou M.
send-document-bad-kind = « { $kind } » n'est pas un type d'INS : nir, nia, test ou demo.
send-document-bad-status = « { $status } » n'est pas un statut d'identité : PROV, RECUP, VALI ou QUAL.
send-document-count = { $option } est donné { $count } fois pour { $documents } --document : donnez-en un par document, dans le même ordre.
health-document-unknown-type = « { $code } » n'est pas un type de document que Pli connaît. Types proposés : { $known }.
health-document-not-pdf = Le document n'est pas un PDF : seul un PDF s'envoie comme document de santé (CDA R2 de niveau 1).
health-document-second-archive = Le message porte déjà une archive IHE_XDM.ZIP : un message de documents de santé ne concerne qu'un seul patient. Envoyez ce document dans un autre message.
health-document-another-patient = Le message est adressé à un autre patient que celui du document : un message de documents de santé ne concerne qu'un seul patient.
health-document-archive = L'archive IHE_XDM.ZIP n'a pas pu être construite : { $detail }
health-document-none = Aucun document de santé à envoyer.
health-document-several-patients = Le document n° { $position } ({ $file }) concerne un autre patient que le premier : un message de documents de santé ne concerne qu'un seul patient. Envoyez-le dans un autre message.
health-document-unqualified-unconfirmed = L'identité de ce patient n'est pas qualifiée : confirmez l'envoi du document avec l'identifiant local de votre structure (le message portera X-MSS-INS : N et le destinataire ne pourra pas le rapprocher d'un INS).
health-document-unqualified-to-patient = Un document sur un patient sans INS qualifié ne peut pas être adressé à la messagerie d'un patient (son adresse est son INS).
health-document-incomplete-identity = Le nom de naissance et les prénoms du patient sont nécessaires.
local-id-empty = L'identifiant local du patient (IPP) est vide.
local-id-bad = L'identifiant local du patient contient des caractères qu'un identifiant ne peut pas contenir (espace, ^, &, ~, |, \, guillemets, chevrons) ou dépasse 64 caractères.
local-id-bad-authority = « { $authority } » n'est pas un OID : l'autorité d'affectation s'écrit en chiffres séparés par des points, par exemple 1.2.250.1.999.1.2.
local-id-ins-authority = { $authority } est l'OID d'un INS : saisissez l'INS comme tel, avec l'identité qualifiée.

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
whitelist-kept = La liste de l'espace de confiance n'a pas pu être mise à jour ; celle en service est gardée : { $detail }
whitelist-origin-bundled = Liste de l'espace de confiance en service : celle fournie avec Pli (jamais téléchargée sur ce poste).
whitelist-origin-profile = Liste de l'espace de confiance en service : téléchargée ou importée sur ce poste.
whitelist-domains = Domaines : { $count }
whitelist-generated = Générée par l'ANS le { $date }
whitelist-fetched = Dernier téléchargement : { $date }
whitelist-imported = Dernier import depuis un fichier : { $date }
whitelist-last-failure = Dernière tentative ({ $date }) échouée : { $detail }
whitelist-never = jamais
trace-bad-date = « { $date } » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2026-05-01.

## Inactivité des boîtes
account-last-use = dernière utilisation le { $date } ({ $person })
account-never-used = jamais utilisée sur ce poste
inactivity-warning = Sans utilisation, cette boîte sera supprimée par l'opérateur le { $date }. Une seule action suffit à la garder : se connecter, lire, envoyer ou classer un message.
inactivity-deleted = Cette boîte n'a pas été utilisée depuis plus d'un an : elle a probablement été supprimée le { $date }. Contactez votre opérateur MSSanté.

## Lecture d'un message (ligne de commande)
show-from = De
show-to = À
show-cc = Cc
show-date = Date
show-subject = Objet
show-patient = Patient
show-patient-yes = message d'un patient (Mon espace santé)
show-conversation = Conversation
show-conversation-closed = clôturée par le professionnel

## Écrans MSSanté : écrire à un patient, bandeaux d'inactivité, verrouillage, espace de confiance, marques des messages de patients
patient-title = Écrire à un patient
patient-hint = Saisissez l'identité telle qu'elle figure dans le dossier du patient (retour du téléservice INSi, pièce d'identité). Pli construit l'adresse Mon espace santé à partir du matricule INS. Mon espace santé n'accepte pas de message de plus de { $limit } Mo, pièces jointes comprises.
patient-matricule-hint = X XX XX XX XXX XXX XX
patient-matricule-format = 15 caractères, espaces admis, comme sur la carte Vitale.
patient-matricule-progress = { $typed ->
    [one] { $typed } caractère sur 15
   *[other] { $typed } caractères sur 15
}
patient-birth-name = Nom de naissance
patient-birth-name-hint = DUPONT
patient-first-names = Prénoms
patient-first-names-hint = tous les prénoms de naissance, dans l'ordre
patient-birth-date = Date de naissance
patient-birth-date-hint = JJ/MM/AAAA
patient-birth-date-invalid = « { $date } » n'est pas une date de naissance : écrivez-la JJ/MM/AAAA, par exemple 14/03/1979.
patient-status = Statut de l'identité
patient-status-qual = QUAL — identité qualifiée
patient-status-vali = VALI — identité validée
patient-status-recup = RECUP — identité récupérée
patient-status-prov = PROV — identité provisoire
patient-choose = Choisir…
patient-matricule-says = Ce que dit le matricule
patient-typed = Ce que vous avez saisi
patient-agrees = concorde
patient-differs = ne concorde pas
patient-not-checked = non vérifiable
patient-missing = Pour écrire à ce patient, complétez : { $fields }.
patient-missing-matricule = le matricule INS
patient-missing-birth-name = le nom de naissance
patient-missing-first-names = les prénoms
patient-missing-birth-date = la date de naissance
patient-missing-sex = le sexe
patient-missing-status = le statut de l'identité
patient-write = Écrire à ce patient
patient-close = Fermer
patient-civility-female = Mme
patient-civility-male = M.
patient-confirm = Vous allez écrire à { $civility } { $name }, { $sex ->
    [female] née
   *[other] né
} en { $birth }, INS { $ins }. Vérifiez que c'est bien votre patient avant de confirmer.
patient-confirm-write = Confirmer et écrire
patient-revise = Modifier
identity-error-not-qualified = Le statut de l'identité est { $status }, pas QUAL : seule une identité qualifiée (vérifiée auprès du téléservice INSi et sur une pièce d'identité) permet d'écrire à un patient. Qualifiez l'identité dans le dossier du patient, puis choisissez QUAL.
identity-error-sex = Le matricule est celui d'une personne de sexe { $matricule }, mais l'identité indique { $identity } : ce matricule est peut-être celui d'une autre personne. Vérifiez le matricule et le sexe sur la carte Vitale ou le retour INSi.
identity-error-year = Le matricule indique une année de naissance finissant par { $matricule }, mais l'identité indique { $identity } : ce matricule est peut-être celui d'une autre personne. Vérifiez le matricule et la date de naissance.
identity-error-month = Le matricule indique le mois de naissance { $matricule }, mais l'identité indique { $identity } : ce matricule est peut-être celui d'une autre personne. Vérifiez le matricule et la date de naissance.
banner-inactive-title = La boîte « { $name } » n'est plus utilisée
banner-deleted-title = La boîte « { $name } » a probablement été supprimée
banner-keep-alive = Garder cette boîte
banner-keep-alive-running = Connexion…
lock-title = Pli est verrouillé
lock-intro = Saisissez votre code pour afficher vos messages.
lock-starting = Ouverture du trousseau du système…
lock-retry = Réessayer
lock-choose-title = Choisissez un code de verrouillage
lock-choose-intro = Pli masque vos messages quand ce poste reste sans activité. Choisissez un code de { $min } à { $max } chiffres pour les afficher à nouveau, puis saisissez-le une seconde fois.
lock-pin-hint = Code
lock-pin-again-hint = Confirmez le code
lock-choose = Enregistrer le code
lock-unlock = Déverrouiller
lock-pin-length = Le code compte de { $min } à { $max } chiffres.
lock-pins-differ = Les deux codes sont différents : saisissez le même code deux fois.
lock-wrong-pin = { $left ->
    [one] Code incorrect. Encore un essai avant de devoir attendre.
   *[other] Code incorrect. Encore { $left } essais avant de devoir attendre.
}
lock-wait-seconds = Trop de codes incorrects : réessayez dans { $seconds } s.
lock-wait-minutes = Trop de codes incorrects : réessayez dans { $minutes } min.
lock-forgotten = Code oublié : la personne qui gère ce poste peut l'effacer du trousseau du système ; Pli vous demandera alors d'en choisir un nouveau.
trust-outside-title = Ce message sortirait de l'espace de confiance MSSanté
trust-outside-intro = Hors de l'espace de confiance, le message voyage par une messagerie ordinaire, sans les garanties de la messagerie sécurisée de santé. N'y envoyez des données de santé qu'en connaissance de cause.
trust-blocked-title = Ce message ne peut pas partir tel quel
trust-blocked-intro = Corrigez ce qui est signalé en rouge, puis envoyez à nouveau.
trust-notice-title = À vérifier avant l'envoi
trust-notice-intro = Rien n'empêche l'envoi, mais vérifiez ces adresses.
trust-issue-outside = « { $address } » n'est pas une adresse MSSanté : ce destinataire est hors de l'espace de confiance.
trust-issue-invalid-patient = L'adresse patient « { $address } » n'est pas valide et ne sera pas utilisée. { $reason }
trust-issue-too-large = Le message pèse { $size } Mo : Mon espace santé refuse les messages de plus de { $limit } Mo. Retirez des pièces jointes ou répartissez-les sur plusieurs messages.
trust-issue-unlisted = « { $address } » se termine par mssante.fr mais son domaine n'est pas dans la liste de l'espace de confiance : vérifiez l'orthographe de l'adresse (le domaine est peut-être plus récent que la liste).
trust-send = Envoyer
trust-send-anyway = Envoyer quand même hors de l'espace de confiance
trust-cancel = Annuler
trust-back = Revenir au message
marker-patient = Patient
marker-ins = INS { $ins }
marker-unsolicited = Message non sollicité :
marker-unsolicited-detail = ce patient écrit hors d'une conversation ouverte par cette boîte
marker-prescription = Ordonnance numérique
marker-conversation-closed = Conversation clôturée : le patient ne peut plus y répondre. Pour reprendre contact, écrivez-lui un nouveau message.
bounce-conversation-closed = Message non remis : la conversation avec ce patient était clôturée. Pour reprendre contact, le professionnel doit lui écrire un nouveau message.
bounce-messaging-closed = Message non remis : la messagerie Mon espace santé de ce patient est fermée ou désactivée. Contactez le patient par un autre moyen.
bounce-patient-unknown = Message non remis : aucune messagerie Mon espace santé ne correspond à ce matricule INS. Vérifiez le matricule auprès du patient ou du téléservice INSi.
bounce-invalid-address = Message non remis : l'adresse du patient n'est pas valide. Vérifiez le matricule INS qu'elle contient.
bounce-too-large = Message non remis : il dépasse la taille acceptée par Mon espace santé ({ $limit } Mo, pièces jointes comprises). Retirez des pièces jointes ou répartissez-les sur plusieurs messages.
bounce-other = Message non remis, pour une raison que le serveur ne précise pas. Le détail figure dans l'avis de non-remise.

## Annuaire national (ligne de commande)
directory-imported = Annuaire importé : { $rows } lignes, { $entries } boîtes, { $skipped } lignes écartées, en { $seconds } s.
directory-import-failed = L'annuaire n'a pas été remplacé : { $detail }
directory-error = L'annuaire local pose problème : { $detail }
directory-empty = L'annuaire local est vide : importez l'extraction avec « pli directory import FICHIER » ou « pli directory refresh ».
directory-not-due = L'annuaire a été vérifié il y a moins d'un jour (utilisez --force pour vérifier maintenant).
directory-unchanged = L'annuaire publié n'a pas changé depuis le dernier téléchargement.

## Fenêtre principale (écrans de messagerie) — section de l'équipe fenêtre
demo-title = démonstration
demo-notice = Démonstration : boîtes fictives, rien n'est envoyé.
back-to-mail = ← Retour à la messagerie
action-new-message = Nouveau message
action-settings = Paramètres
action-add-box = + Ajouter une boîte
drafts-in-progress = En cours de rédaction
store-unavailable = Le stockage local des messages est inaccessible : { $detail }
preferences-unwritable = Les réglages de la fenêtre n'ont pas pu être enregistrés : { $detail }

## État des boîtes
connectivity-local = démonstration
connectivity-connecting = connexion…
connectivity-syncing = synchronisation…
connectivity-syncing-count = synchronisation { $done } / { $total }
connectivity-up-to-date = à jour
connectivity-offline-copy = copie hors ligne { $local } / { $wanted }
connectivity-offline = hors connexion
connectivity-auth-refused = identifiants refusés
connectivity-certificate-refused = certificat refusé
sync-error-server = Le serveur a interrompu la synchronisation : { $detail }
sync-error-store = Le stockage local a échoué : { $detail }

## Dossiers
folder-inbox = Réception
folder-sent = Envoyés
folder-drafts = Brouillons
folder-trash = Corbeille
folder-junk = Indésirables
folder-archive = Archives

## Liste des messages
list-count = { $count ->
    [0] aucun message
    [one] { $count } message
   *[other] { $count } messages
}
list-no-folder = Aucun dossier
list-empty = Ce dossier est vide.
list-no-subject = (sans objet)
list-attachment-marker = PJ
list-sort = Trier par
list-sort-date = Date
list-sort-patient = Patient
list-sort-type = Type de document
list-filter-every-type = Tous les types de document
list-filter-every-patient = Tous les patients
list-filter-no-ins = { $name } (sans INS)
list-filter-unfiled = À classer seulement
list-filter-active = Filtré : { $filters }
list-filter-clear = Effacer les filtres
list-count-filtered = { $count ->
    [0] aucun message ne correspond
    [one] { $count } message correspond
   *[other] { $count } messages correspondent
}
list-filtered-empty = Aucun message de ce dossier ne correspond aux filtres.
list-document-filed = classé
list-document-unfiled = à classer
list-search-results = { $count ->
    [0] Aucun résultat pour « { $query } »
    [one] Un résultat pour « { $query } »
   *[other] { $count } résultats pour « { $query } »
}
list-search-empty = Aucun message ne correspond à la recherche.
search-hint = Rechercher dans la boîte (Ctrl+F)
search-clear = Effacer
search-on-server = sur le serveur : ce message n'est pas sur cet ordinateur
search-server-unreachable = Le serveur n'a pas pu être interrogé : les messages qui ne sont que sur le serveur manquent peut-être aux résultats.
search-index-note = Non indexé : { $note }
search-bad-day = « { $day } » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2026-03-31.
search-every-box = Toutes les boîtes
search-with-attachment = Avec pièce jointe
search-asking-servers = Recherche aussi sur le serveur, pour les messages qui ne sont pas sur cet ordinateur…
search-on-server-marker = sur le serveur
pdf-skip = PDF { $position } sur { $of } : { $why }
pdf-skip-large = plus de { $megabytes } Mio
pdf-skip-time = plus de { $seconds } s de calcul
pdf-skip-memory = plus de { $megabytes } Mio de mémoire nécessaires
pdf-skip-encrypted = protégé par un mot de passe
pdf-skip-unreadable = ce n'est pas un PDF lisible
pdf-skip-crashed = le lecteur de PDF s'est arrêté dessus
pdf-skip-pages = seules les { $read } premières pages sur { $pages } ont été lues
pdf-skip-no-reader = aucun lecteur de PDF n'est disponible

## Patients
patient-marker = Patient · INS { $ins }
patient-marker-unverified = Patient · INS illisible

## Lecture
reader-nothing-selected = Choisissez un message dans la liste.
reader-loading = Téléchargement du message…
reader-retry = Réessayer
reader-body-missing = Le contenu de ce message n'est pas disponible hors connexion.
reader-body-gone = Ce message n'est plus sur le serveur.
reader-body-offline = La boîte est hors connexion : réessayez une fois qu'elle sera reconnectée.
reader-from = De :
reader-to = À :
reader-cc = Cc :
reader-date = Date :
reader-attachments = { $count ->
    [one] Pièce jointe
   *[other] { $count } pièces jointes
}
action-reply = Répondre
action-reply-all = Répondre à tous
action-forward = Transférer
action-mark-read = Marquer comme lu
action-mark-unread = Marquer comme non lu
action-mark-junk = Indésirable
action-mark-not-junk = Pas indésirable
action-delete = Supprimer
delete-no-trash = Ce message est déjà dans la corbeille, ou la boîte n'en a pas.
attachment-open = Ouvrir
attachment-show = Voir
picture-size = { $width } × { $height } pixels
picture-turn = Pivoter ↻
picture-close = Fermer
picture-hint = Molette : zoom · glisser : déplacer
picture-unsupported = Cette pièce jointe n'est pas une image que Pli affiche (JPEG, PNG, GIF, WebP, BMP ou TIFF) : ouvrez-la avec un autre programme.
picture-damaged = L'image est endommagée et ne peut pas être lue : demandez à l'expéditeur de la renvoyer.
picture-too-large = L'image est trop grande pour être affichée ({ $width } × { $height } pixels) : enregistrez-la et ouvrez-la avec un autre programme si vous lui faites confiance.
attachment-save = Enregistrer
attachment-saved = Enregistré dans { $path }
attachment-opened = Ouvert depuis { $path }
attachment-failed = La pièce jointe n'a pas pu être écrite : { $detail }
attachment-no-folder = Aucun dossier Téléchargements n'est disponible pour enregistrer la pièce jointe.
size-bytes = { $value } o
size-kilobytes = { $value } Ko
size-megabytes = { $value } Mo

## Rédaction
composer-title = Nouveau message
composer-title-reply = Réponse
composer-untitled = (message sans objet)
composer-back = ← Messagerie (Échap)
composer-discard = Abandonner
composer-send = Envoyer
composer-send-hint = Ctrl+Entrée pour envoyer. Échap garde le brouillon et revient à la messagerie.
composer-sending = Envoi en cours…
composer-no-recipient = Indiquez au moins un destinataire.
composer-from = De :
composer-signs-as = Vos correspondants verront : { $sender }
composer-to = À :
composer-cc = Cc :
composer-subject = Objet :
composer-subject-hint = Objet du message
composer-address-hint = Nom ou adresse MSSanté, séparés par des virgules
composer-body-hint = Votre message
composer-attachments = Pièces jointes :
composer-remove-attachment = Retirer
composer-delivery-notification = Accusé de réception
composer-read-notification = Accusé de lecture
composer-quote-attribution = Le { $date }, { $name } a écrit :
composer-forwarded = -------- Message transféré --------
send-done = Message envoyé.
send-waiting = Le message attend dans la boîte d'envoi ; Pli le renverra : { $reason }
send-demo = mode démonstration, aucun message ne part.
send-error-bad-address = « { $address } » n'est pas une adresse valide.
send-error-build = Le message n'a pas pu être préparé : { $detail }
send-error-refused = Le serveur a refusé le message : { $detail }
send-error-refused-some = le serveur a refusé un message de la boîte d'envoi.
send-error-timeout = l'envoi a pris trop de temps.
send-error-sent-copy = le message est parti, mais sa copie dans « Envoyés » a échoué ({ $detail }).
send-error-store = Le stockage local a échoué : { $detail }
notification-new-messages = { $count ->
    [one] Un nouveau message
   *[other] { $count } nouveaux messages
}

## Paramètres
settings-title = Paramètres
settings-back = ← Retour
settings-boxes = Boîtes aux lettres
settings-add-box = + Ajouter une boîte
settings-signature = Signature
settings-signature-hint = Ajoutée en bas de chaque message de cette boîte
settings-pharmacy = Officine : cette boîte reçoit les ordonnances que les patients envoient
settings-keep = Sur cet ordinateur :
settings-keep-all = tous les messages (recherche hors connexion complète)
settings-keep-months = les messages des { $months } derniers mois
settings-sharing-limited = Partage limité : le serveur ne garde pas les mots-clés nouveaux dans { $folders }. « Je m'en occupe » et les étapes des ordonnances n'y sont pas partagés avec vos collègues.
settings-workstation = Poste partagé
settings-person-name = Votre nom
settings-person-name-hint = Par défaut, le nom de la session de cet ordinateur
settings-person-name-note = Vos collègues voient ce nom quand vous prenez en charge un message d'une boîte partagée ; la trace l'enregistre avec chaque action.
settings-templates = Réponses de l'officine aux patients
settings-templates-note = Proposées sous une ordonnance reçue (« Répondre : … ») ; le texte commence la réponse, que vous relisez avant l'envoi. Sans réponse enregistrée, Pli propose les siennes.
settings-templates-name-hint = Nom du bouton, par exemple Commande prête
settings-templates-text-hint = Texte de la réponse
settings-templates-remove = Retirer
settings-templates-add = + Ajouter une réponse
settings-trust-list = Espace de confiance
settings-trust-list-note = Pli télécharge la liste des domaines de l'espace de confiance une fois par jour ; en cas d'échec, il garde celle en service.
settings-display = Affichage
settings-language = Langue
settings-language-system = Celle du système
settings-theme = Thème
settings-theme-system = Celui du système (clair ou sombre)
settings-theme-light = Clair
settings-theme-dark = Sombre
settings-notifications = Notifications
settings-notifications-note = Une notification signale les nouveaux messages, sans jamais en montrer l'expéditeur ni l'objet.
composer-patient-identity-title = Adresse patient : vérifiez l'identité
composer-patient-identity-explain = Seule une identité qualifiée (vérifiée avec le téléservice INSi et une pièce d'identité) permet d'écrire à un patient. Vérifiez que le sexe et la date de naissance lus dans le matricule sont ceux du patient voulu.
composer-patient-identity-check = Vérifier l'identité
composer-patient-identity-confirm = J'ai vérifié l'identité (qualifiée) de ce patient
composer-blocked = Le message n'est pas parti :
composer-close-conversation = Clore la conversation avec le patient (il ne pourra plus répondre)
send-issue-outside = « { $address } » est hors de l'espace de confiance MSSanté : des données de santé n'y partent qu'avec votre accord.
send-issue-invalid-patient = « { $address } » n'est pas une adresse de patient valide (la clé du matricule INS ne correspond pas) : vérifiez-la sur la carte Vitale ou le résultat INSi.
send-issue-too-large = Le message pèse { $size }, plus que les { $limit } qu'accepte Mon espace santé.
send-issue-unlisted = Le domaine de « { $address } » n'est pas dans la liste de l'espace de confiance que Pli connaît.
send-patient-identity-unconfirmed = Le message s'adresse à un patient dont l'identité n'a pas été confirmée : { $patients }. Vérifiez que c'est bien la personne voulue, avec une identité qualifiée, puis confirmez-le.
patient-identity-reading = INS { $ins } ({ $sex }, naissance { $birth })
send-patient-identity-cli-hint = Après avoir vérifié l'identité (qualifiée) de chaque patient, relancez avec --patient-identity-confirmed.
send-unqualified-identity-cli-hint = Pour l'envoyer avec l'identifiant local de votre structure, relancez avec --unqualified-identity-confirmed.
reader-damaged = Ce message est arrivé abîmé ; Pli en montre ce qu'il a pu lire.
list-unsolicited = Non sollicité

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

## Pro Santé Connect (ligne de commande)
oidc-signed-out = Session Pro Santé Connect fermée sur ce poste.

## Branchements de la fenêtre (patient, annuaire, verrouillage, bannières)
action-write-to-patient = Écrire à un patient
action-directory = Annuaire
directory-title = Annuaire santé national
directory-close = Fermer
directory-search-hint = Nom, profession, structure, ville…
directory-pane-empty = L'annuaire n'est pas encore importé. Téléchargez l'extraction des boîtes MSSanté sur annuaire.sante.fr, puis importez-la avec « Importer un fichier… » ou la commande : pli directory import FICHIER
directory-unreadable = L'annuaire ne peut pas être lu : { $detail }
directory-holding = { $count } boîtes aux lettres dans l'annuaire
directory-no-hit = Aucune boîte ne correspond.
directory-box-type = Boîte { $code }
directory-write = Écrire
directory-copy = Copier l'adresse
directory-add-contact = Ajouter aux contacts
directory-copied = Adresse copiée : { $address }
directory-contact-added = { $name } est dans vos contacts.
directory-contact-failed = Le contact n'a pas pu être enregistré : { $detail }
lock-keyring-interrupted = Le trousseau n'a pas répondu : réessayez.
banner-keep-alive-offline = La boîte n'est pas connectée : Pli n'a pas pu s'y identifier. Réessayez quand elle sera en ligne.
banner-keep-alive-failed = Pli n'a pas pu se connecter à la boîte pour la garder : { $detail }
banner-keep-alive-unrecorded = La connexion a réussi, mais Pli n'a pas pu la noter : { $detail }
reader-bounce = Non distribué à { $recipient } : { $reason }
prescriptions-folder = Ordonnances ({ $name })
prescriptions-title = Ordonnances
prescriptions-close = Revenir aux dossiers
prescriptions-none = Aucune ordonnance reçue d'un patient.
read-receipt-asked = L'expéditeur demande un accusé de lecture.
read-receipt-send = Envoyer
read-receipt-ignore = Ignorer
composer-attach = Joindre un fichier…
composer-attach-failed = Le fichier n'a pas pu être joint : { $detail }
attachment-not-saved = Pièce jointe non enregistrée.
directory-import = Importer un fichier…
directory-importing = Importation de l'extraction… la recherche reste possible sur l'annuaire précédent.
directory-pane-imported = Annuaire importé : { $count } boîtes aux lettres.
directory-pane-import-failed = L'import a échoué ; l'annuaire précédent reste en place : { $detail }
action-lock-now = Verrouiller

## Files dropped onto the window
drop-to-attach = Déposez les fichiers pour les joindre au message.
drop-to-new-message = Déposez les fichiers pour les joindre à un nouveau message.
## Annuaire Santé en ligne : recherche en ligne, clé d'API (section de l'équipe annuaire)
directory-online-search = Chercher en ligne
directory-online-search-tip = Ctrl+E : chercher aussi dans l'Annuaire Santé en ligne
directory-online-searching = Recherche dans l'Annuaire Santé en ligne…
directory-online-found = Annuaire Santé en ligne : { $confirmed ->
        [one] { $confirmed } boîte confirmée
       *[other] { $confirmed } boîtes confirmées
    }, { $added ->
        [one] { $added } boîte absente du fichier ajoutée
       *[other] { $added } boîtes absentes du fichier ajoutées
    }.
directory-online-nothing = Tapez un nom à chercher en ligne.
directory-online-off = La recherche en ligne n'est pas autorisée sur ce poste : activez « Autoriser la recherche en ligne » dans les paramètres, rubrique Annuaire Santé en ligne.
directory-online-off-cli = La recherche en ligne n'est pas autorisée pour ce profil : activez-la dans les paramètres de la fenêtre, ou mettez directory_online = true dans settings.toml.
directory-online-no-key = Aucune clé d'API de l'Annuaire Santé n'est enregistrée : ajoutez votre clé personnelle dans les paramètres, rubrique Annuaire Santé en ligne.
directory-online-key-refused = L'Annuaire Santé a refusé la clé d'API (statut { $status }) : vérifiez-la ou remplacez-la dans les paramètres. Les résultats du fichier restent affichés.
directory-online-unreachable = L'Annuaire Santé en ligne ne répond pas ({ $detail }). Vérifiez la connexion à Internet ; les résultats du fichier restent affichés.
directory-online-not-fhir = L'Annuaire Santé a répondu par une page web au lieu de données (maintenance en cours ?) : réessayez plus tard. Les résultats du fichier restent affichés.
directory-online-status = L'Annuaire Santé a répondu par une erreur (statut { $status }) : réessayez plus tard. Les résultats du fichier restent affichés.
directory-online-keyring = La clé d'API n'a pas pu être lue : { $detail }
directory-origin-confirmed = confirmée en ligne
directory-origin-online = en ligne
settings-directory = Annuaire Santé en ligne
settings-directory-online = Autoriser la recherche en ligne
settings-directory-online-note = « Chercher en ligne » envoie le nom cherché à l'Annuaire Santé de l'ANS avec votre clé d'API personnelle, pour des données plus fraîches que le fichier et les boîtes applicatives. Désactivé par défaut sur un poste de santé.
settings-directory-key = Clé d'API (ESANTE-API-KEY)
settings-directory-key-hint = Collez votre clé personnelle
settings-directory-key-save = Enregistrer la clé
settings-directory-key-remove = Retirer la clé
settings-directory-key-stored = Une clé est enregistrée dans le trousseau du système.
settings-directory-key-none = Aucune clé n'est enregistrée.
settings-directory-key-checking = Lecture du trousseau…
settings-directory-key-saved = La clé est enregistrée dans le trousseau du système.
settings-directory-key-removed = La clé est retirée du trousseau.
settings-directory-key-failed = Le trousseau a refusé : { $detail }
settings-directory-key-demo = La démonstration n'utilise pas le trousseau : aucune clé n'y est gardée, et « Chercher en ligne » répond avec des exemples.
directory-key-prompt = Clé d'API de l'Annuaire Santé :
directory-key-set = La clé d'API de l'Annuaire Santé est enregistrée dans le trousseau.
directory-key-removed = La clé d'API de l'Annuaire Santé est retirée du trousseau.
directory-key-empty = Aucune clé lue sur l'entrée standard : rien n'a été enregistré.
directory-key-status-stored = Une clé d'API de l'Annuaire Santé est enregistrée dans le trousseau.
directory-key-status-none = Aucune clé d'API de l'Annuaire Santé n'est enregistrée.
## Accusés de lecture, brouillons, export des traces (branche mdn)
read-receipt-sent = Accusé de lecture envoyé.
read-receipt-waiting = L'accusé de lecture attend dans la boîte d'envoi ; Pli le renverra : { $reason }
read-receipt-already-sent = Un accusé de lecture est déjà parti pour ce message.
read-receipt-blocked = L'accusé de lecture n'est pas parti : { $issues }
draft-saved = Brouillon enregistré (dans Pli et dans le dossier Brouillons du serveur).
draft-save-failed = Le brouillon n'a pas pu être enregistré : { $detail }
settings-trace = Traces
settings-trace-note = Chaque action sur les boîtes est tracée (qui, quand, quelle action, la demande au serveur et sa réponse), sans mot de passe ni contenu de message. L'export reprend les traces encore conservées.
settings-trace-export = Exporter les traces (CSV)
settings-trace-exported = { $count ->
    [one] Traces exportées : { $count } ligne écrite dans { $path }.
   *[other] Traces exportées : { $count } lignes écrites dans { $path }.
}
settings-trace-failed = L'export des traces dans { $path } a échoué : { $detail }
settings-trace-cancelled = Export annulé : aucun fichier écrit.
## Pro Santé Connect dans la fenêtre (ticket 7)
psc-section = Pro Santé Connect
psc-not-signed-in = Non connecté à Pro Santé Connect.
psc-session-open = Session Pro Santé Connect ouverte sur ce poste.
psc-session-ended = La session Pro Santé Connect a pris fin : reconnectez-vous pour relever et envoyer le courrier de cette boîte.
psc-waiting = Connexion en cours…
psc-cancel = Annuler
psc-copy-address = Copier l'adresse de connexion (si le navigateur ne s'est pas ouvert)

## Revocation lists of the servers' certificates
crl-imported = { $count ->
    [one] Une liste de révocation ajoutée : les connexions la vérifient désormais.
   *[other] { $count } listes de révocation ajoutées : les connexions les vérifient désormais.
}
crl-refused = La liste de révocation n'a pas été prise : { $detail }
crl-skipped = Une liste de révocation est ignorée : { $detail }
crl-no-address = Les certificats de ce serveur n'indiquent pas où leur autorité publie sa liste de révocation : importez-la avec « pli crl import ».
crl-refreshed = { $count } liste(s) téléchargée(s) sur { $addresses } adresse(s) (les listes de moins d'un jour sont gardées).

## Pro Santé Connect in the add-a-box form
form-auth-psc = Pro Santé Connect (carte CPS ou e-CPS)
form-auth-psc-sandbox = Pro Santé Connect — bac à sable de l'ANS
form-psc-client-id = Identifiant client Pro Santé Connect
form-psc-client-id-hint = client_id donné par l'ANS à l'enregistrement de Pli
form-psc-test-after-sign-in = Avec Pro Santé Connect, la connexion se vérifie à la première connexion : enregistrez la boîte, puis « Se connecter avec Pro Santé Connect » sous la liste des boîtes.

## Fichiers du paquet (pli package-files, lancé par la construction du paquet)
package-files-error = Impossible d'écrire { $path } : { $detail }

## Boîtes partagées : qui traite quoi (pli handle, pli prescription)
handling-open = À traiter : personne ne s'en occupe.
handling-taken = Pris en charge par { $name }.
handling-done = Traité par { $name }.
handling-error-server = Le serveur n'a pas pu enregistrer l'action : { $detail }
handling-error-sharing-limited = Ce serveur ne garde pas les mots-clés partagés dans ce dossier : le partage entre postes est limité pour cette boîte.
handling-error-taken-by = { $name } s'occupe déjà de ce message.
handling-error-done-by = { $name } a déjà traité ce message.
handling-error-not-pharmacy = Les étapes d'ordonnance ne concernent que la boîte d'une officine.
handling-error-no-name = Aucun nom pour la personne qui agit : indiquez-le avec --as ou dans les réglages (person_name).
handling-error-not-a-conversation = Ce message n'appartient pas à une conversation avec un patient.
handling-conversation-done = { $count ->
    [one] 1 message de la conversation est à jour.
   *[other] { $count } messages de la conversation sont à jour.
}
handling-conversation-left = Le message { $uid } reste à { $name }, qui l'a pris en charge.
handling-take-conversation = Je m'occupe de toute la conversation
handling-conversation-some-left = { $count ->
    [one] 1 message de la conversation reste à un collègue qui l'a pris en charge : { $names }.
   *[other] { $count } messages de la conversation restent aux collègues qui les ont pris en charge : { $names }.
}
prescription-unknown-state = État d'ordonnance inconnu : « { $state } » (received, preparing, ready ou delivered).
prescription-state-received = Ordonnance reçue.
prescription-state-preparing = Ordonnance en préparation.
prescription-state-ready = Commande prête.
prescription-state-delivered = Ordonnance délivrée.
account-sharing-limited = Partage limité : le serveur ne garde pas les mots-clés partagés dans { $folders } ; qui traite quoi n'y est pas visible des autres postes.
handling-take = Je m'en occupe
handling-release = Rendre
handling-mark-done = Traité
handling-reopen = Rouvrir
prescription-to-preparing = En préparation
prescription-to-ready = Prête
prescription-to-delivered = Délivrée
handling-view-to-handle = À traiter
handling-view-mine = Pris en charge par moi
handling-view-handled = Traités
handling-view-to-handle-of = À traiter ({ $name })
handling-view-mine-of = Pris en charge par moi ({ $name })
handling-view-handled-of = Traités ({ $name })
handling-view-none = Aucun message ici.
template-answer = Répondre : { $name }
template-ready-name = Commande prête
template-ready-text = Bonjour,

    Votre commande est prête : vous pouvez venir la retirer à la pharmacie aux heures d'ouverture, avec votre carte Vitale.

    Cordialement,
template-preparing-name = En préparation
template-preparing-text = Bonjour,

    Nous avons bien reçu votre ordonnance ; elle est en préparation. Nous vous écrirons dès qu'elle sera prête.

    Cordialement,
template-missing-name = Ordonnance illisible
template-missing-text = Bonjour,

    Nous n'arrivons pas à lire votre ordonnance. Pourriez-vous nous la renvoyer (photo nette, bien éclairée, ou le PDF) ?

    Cordialement,
## Documents de santé (IHE_XDM.ZIP, CDA R2) : lecture
xdm-refused-damaged = L'archive IHE_XDM.ZIP est endommagée ou tronquée, ou n'est pas une archive zip : ses documents ne peuvent pas être lus.
xdm-refused-archive-too-large = L'archive IHE_XDM.ZIP dépasse { $limit } Mo : elle n'a pas été ouverte.
xdm-refused-too-many-entries = L'archive IHE_XDM.ZIP contient plus de { $limit } fichiers : elle n'a pas été ouverte.
xdm-refused-entry-too-large = Un fichier de l'archive IHE_XDM.ZIP dépasse { $limit } Mo une fois décompressé : l'archive n'a pas été ouverte.
xdm-refused-too-large = L'archive IHE_XDM.ZIP dépasse { $limit } Mo une fois décompressée : elle n'a pas été ouverte.
xdm-refused-bomb = Un fichier de l'archive IHE_XDM.ZIP se décompresse bien au-delà de sa taille (bombe zip) : l'archive n'a pas été ouverte.
xdm-refused-unsafe-name = L'archive IHE_XDM.ZIP contient un nom de fichier dangereux (« .. », chemin absolu ou nom de périphérique) : elle n'a pas été ouverte.
xdm-refused-too-deep = Les dossiers de l'archive IHE_XDM.ZIP sont trop imbriqués : elle n'a pas été ouverte.
xdm-refused-unsupported = L'archive IHE_XDM.ZIP est chiffrée ou compressée d'une façon que Pli ne lit pas.
xdm-refused-not-xdm = Cette archive n'est pas au format IHE XDM (pas de IHE_XDM/…/METADATA.XML) : ses documents ne peuvent pas être lus.
xdm-xml-doctype = il déclare un DOCTYPE, refusé pour ne rien charger d'extérieur
xdm-xml-entity = il contient une entité XML inconnue, refusée
xdm-xml-too-large = il est trop imbriqué ou trop long
xdm-xml-malformed = ce n'est pas du XML valide
xdm-problem-metadata-unreadable = { $file } ne peut pas être lu : { $reason }.
xdm-problem-too-many-documents = Les métadonnées décrivent plus de { $limit } documents : seuls les { $limit } premiers ont été lus.
xdm-problem-no-document-entry = { $file } ne décrit aucun document.
xdm-problem-no-uri = Un document décrit dans { $file } ne dit pas quel fichier le contient.
xdm-problem-missing-file = Le fichier { $uri } annoncé dans les métadonnées est absent de l'archive.
xdm-problem-size-mismatch = Le fichier { $uri } ne fait pas la taille annoncée ({ $actual } octets au lieu de { $declared }) : il a pu être modifié.
xdm-problem-hash-mismatch = L'empreinte du fichier { $uri } ne correspond pas aux métadonnées : il a pu être modifié.
xdm-problem-not-verifiable = Les métadonnées ne donnent pas d'empreinte pour { $uri } : son intégrité ne peut pas être vérifiée.
xdm-problem-cda-unreadable = Le document { $uri } ne peut pas être lu : { $reason }.
xdm-problem-pdf-damaged = Le PDF contenu dans { $uri } est endommagé.
xdm-problem-pdf-too-large = Le PDF contenu dans { $uri } dépasse { $limit } Mo : il n'a pas été extrait.
xdm-problem-patient-differs = Les métadonnées et le document { $uri } ne désignent pas le même patient.
xdm-problem-several-patients = Les documents de ce message concernent plusieurs patients : un message ne doit concerner qu'un patient.
xdm-problem-not-the-messages-patient = L'INS des documents n'est pas celui du patient à qui ou de qui est ce message.
xdm-problem-ins-header-without-ins = Le message annonce un INS qualifié (X-MSS-INS: O) mais aucun document n'en porte.
xdm-problem-ins-header-denies-ins = Le message annonce l'absence d'INS qualifié (X-MSS-INS: N) mais un document en porte un.
xdm-problem-codecda-differs = Le message annonce des documents de type { $header } (X-MSS-CODECDA) mais l'archive contient des documents de type { $documents } : vérifiez de quoi il s'agit.
xdm-ins-kind-nir = INS (NIR)
xdm-ins-kind-nia = INS (NIA)
xdm-ins-kind-test = INS de test
xdm-ins-kind-demo = INS de démonstration
xdm-ins-kind-other = identifiant local
xdm-cannot-read-file = Impossible de lire { $path } : { $detail }
xdm-documents = { $count ->
    [0] Aucun document de santé
    [one] 1 document de santé
   *[other] { $count } documents de santé
}
xdm-document-type = Type
xdm-document-title = Titre
xdm-document-date = Date
xdm-document-patient = Patient
xdm-document-author = Auteur
xdm-document-custodian = Conservé par
xdm-document-replaces = Remplace le document
xdm-document-id = Identifiant
xdm-document-file = Fichier
xdm-document-pdf = PDF joint ({ $size })
xdm-document-integrity-verified = empreinte vérifiée
xdm-document-integrity-mismatch = empreinte ou taille différente
xdm-document-integrity-not-verifiable = sans empreinte
xdm-document-integrity-missing = fichier absent
xdm-pdf-saved = PDF enregistré : { $path }

## The health document card of the reader
document-card-badge = Document de santé
document-card-untyped = Type non précisé
document-card-replaces = Ce document remplace une version précédente : c'est la version à jour.
document-card-integrity-mismatch = Ce fichier ne correspond pas à l'empreinte annoncée dans l'archive : il a pu être modifié en chemin. Vérifiez auprès de l'expéditeur avant de vous y fier.
document-card-file-missing = Le fichier de ce document est absent de l'archive.
document-open-pdf = Ouvrir le PDF
document-save-pdf = Enregistrer
document-show = Voir le document
document-hide = Masquer le document
document-no-pdf = Ce document ne contient pas de PDF.
document-card-already-received = Déjà reçu le { $date } : ce n'est pas un nouveau document.
document-card-replaces-dated = Ce document remplace celui du { $date }, qui reste dans le dossier comme remplacé.
document-card-replaced-by = Une version plus récente de ce document est arrivée le { $date } : celle-ci est remplacée.
document-card-filed = Classé dans le dossier du patient
document-card-no-ins = Sans INS : ce document ne peut pas être classé dans un dossier patient depuis Pli.
document-card-unqualified = Identité non qualifiée : l'émetteur désigne le patient par l'identifiant local de sa structure (X-MSS-INS : N). Vérifiez l'identité avant de rapprocher ce document d'un patient.
document-file = Classer
document-patient-file = Dossier du patient
store-too-new = La base locale des messages a été écrite par une version plus récente de Pli : mettez Pli à jour.
patient-file-title = Dossier du patient — INS { $ins }
patient-file-title-none = Dossier du patient
patient-file-loading = Lecture du dossier…
patient-file-empty = Aucun message ni document de ce patient dans les boîtes de ce poste.
patient-file-filed = classé
patient-file-not-filed = non classé
patient-file-replaced = Remplacé par la version reçue le { $date }
patient-file-replaced-short = remplacé par une version plus récente
composer-attach-document = Joindre un document de santé
document-form-type = Type de document
document-form-title = Titre (facultatif)
document-form-ins-kind = Identifiant
document-form-ins-nir = INS-NIR
document-form-ins-nia = INS-NIA
document-form-identifier = Patient identifié par
document-form-by-ins = son INS (identité qualifiée)
document-form-by-local-id = l'identifiant local de la structure (identité non qualifiée)
document-form-local-id = Identifiant local (IPP)
document-form-authority = OID de l'autorité d'affectation
document-form-unqualified-confirm = J'envoie ce document avec une identité non qualifiée : le message portera X-MSS-INS : N et le destinataire ne pourra pas le rapprocher d'un INS.
document-form-bad-birth-date = Saisissez la date de naissance du patient au format JJ/MM/AAAA.
document-form-no-sex = Choisissez le sexe du patient.
document-form-no-type-of = Choisissez le type du document de santé { $file }.
document-form-patient = Patient concerné par les documents
document-form-add = Ajouter un document (même patient)
document-form-remove = Retirer
document-form-explained = Pli met chaque PDF dans son CDA R2 de niveau 1, tous dans une archive IHE_XDM.ZIP, joint aussi les PDF à côté, et écrit l'objet XDM/1.0/DDM+ d'après le premier document : un seul patient par message, identifié par son INS qualifié ou, identité non qualifiée, par l'identifiant local de votre structure.
document-match = Rapprocher d'un patient…
document-match-explained = Ce document ne porte pas d'INS qualifié. Tapez l'INS du patient, comparez les deux identités, et classez-le seulement s'il s'agit de la même personne.
document-match-heading = Identité
document-match-document = selon le document
document-match-patient = selon vos dossiers
document-match-unknown = Aucun document de ce patient sur ce poste : comparez avec votre logiciel métier avant de classer.
document-match-cancel = Annuler
document-match-confirm = Classer chez ce patient
