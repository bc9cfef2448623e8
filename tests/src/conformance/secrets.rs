use tessera::embedded::dev_pki::{generate_root_and_wwdr, issue_pass_certificate};
use tessera::pkpass::{SigningIdentity, sign_detached};
use tessera::ports::{SecretError, StoredIdentity};

use super::Backend;

fn identity(team: &str) -> SigningIdentity {
    let (_, wwdr) = generate_root_and_wwdr().unwrap();
    let signer = issue_pass_certificate(&wwdr, "pass.dev.tessera.example", team).unwrap();
    SigningIdentity::new(signer.certificate, signer.key, wwdr.certificate).unwrap()
}

pub async fn signing_identities_round_trip(b: &Backend) {
    let ptid = "pass.dev.tessera.example";
    assert_eq!(b.secrets.signing_identity(ptid).await.unwrap(), None);
    let first = StoredIdentity::from_identity(&identity("TESSERA001")).unwrap();
    b.secrets.put_signing_identity(ptid, &first).await.unwrap();
    let loaded = b.secrets.signing_identity(ptid).await.unwrap().expect("stored");
    assert_eq!(loaded, first);
    let usable = loaded.load().unwrap();
    assert_eq!((usable.pass_type_id(), usable.team_id()), (ptid, "TESSERA001"));
    sign_detached(&usable, b"manifest", 1_700_000_000).unwrap();

    let renewed = StoredIdentity::from_identity(&identity("TESSERA002")).unwrap();
    b.secrets.put_signing_identity(ptid, &renewed).await.unwrap();
    assert_eq!(
        b.secrets.signing_identity(ptid).await.unwrap().unwrap().load().unwrap().team_id(),
        "TESSERA002",
        "renewal replaces"
    );
    assert_eq!(b.secrets.signing_identity("pass.dev.tessera.other").await.unwrap(), None);
    for bad in ["../pass.x", "pass.a/b", "not-a-pass-id", "pass..x"] {
        assert!(matches!(b.secrets.signing_identity(bad).await, Err(SecretError::InvalidName(_))), "{bad}");
        assert!(matches!(b.secrets.put_signing_identity(bad, &first).await, Err(SecretError::InvalidName(_))), "{bad}");
    }
    assert!(!format!("{loaded:?}").contains("PRIVATE KEY"), "Debug redacts the key");

    b.secrets.delete_signing_identity(ptid).await.unwrap();
    assert_eq!(b.secrets.signing_identity(ptid).await.unwrap(), None, "deleted");
    b.secrets.delete_signing_identity(ptid).await.expect("nothing left to delete is no error");
    b.secrets.put_signing_identity(ptid, &first).await.unwrap();
    assert_eq!(b.secrets.signing_identity(ptid).await.unwrap(), Some(first), "stored again at once");
}

pub async fn google_accounts_round_trip(b: &Backend) {
    assert_eq!(b.secrets.google_account().await.unwrap(), None);
    let key_json = crate::google_fake::TestServiceAccount::generate().key_json;
    let account = |issuer: &str| tessera::ports::StoredGoogleAccount {
        issuer_id: issuer.into(),
        service_account: key_json.clone(),
    };
    b.secrets.put_google_account(&account("3388000000012345678")).await.unwrap();
    assert_eq!(b.secrets.google_account().await.unwrap(), Some(account("3388000000012345678")));
    b.secrets.put_google_account(&account("3388000000087654321")).await.unwrap();
    let loaded = b.secrets.google_account().await.unwrap().unwrap();
    assert_eq!(loaded.issuer_id, "3388000000087654321", "a new import replaces");
    assert!(!format!("{loaded:?}").contains("PRIVATE KEY"), "Debug redacts the key");
    b.secrets.delete_google_account().await.unwrap();
    assert_eq!(b.secrets.google_account().await.unwrap(), None);
    b.secrets.delete_google_account().await.expect("nothing left to delete is no error");
}
