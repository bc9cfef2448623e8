//! `tessera keys import` and `tessera aws bootstrap`, run as a user runs them; the AWS side
//! against moto_server.

use std::path::Path;
use std::process::{Command, Output};

use tessera::aws::SecretsManagerSecrets;
use tessera::embedded::FileSecrets;
use tessera::ports::Secrets;
use tessera_tests::moto::{clients, endpoint, unique_resources};
use tessera_tests::{export_p12, make_openssl_identity};

const PTID: &str = "pass.dev.tessera.example";

fn tessera(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
    command
        .env("TESSERA_DATA_DIR", data_dir)
        .env_remove("TESSERA_IDENTITY_PASSWORD")
        .env_remove("TESSERA_BACKEND")
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    command
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[tokio::test]
async fn keys_import_stores_a_pem_identity_in_the_embedded_secrets() {
    let work = tempfile::tempdir().unwrap();
    let source = make_openssl_identity(&work.path().join("id"), PTID, "TESSERA001");
    let data = work.path().join("data");
    let out = tessera(&data).args(["keys", "import", "--pass-type-id", PTID]).arg(&source).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("imported the signing identity of pass.dev.tessera.example (team TESSERA001"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("PRIVATE KEY"));

    let stored = FileSecrets::new(&data.join("identities")).signing_identity(PTID).await.unwrap().expect("stored");
    assert_eq!(stored.load().unwrap().team_id(), "TESSERA001");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(data.join("identities").join(PTID).join("private-key.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn keys_import_refuses_a_certificate_of_another_pass_type() {
    let work = tempfile::tempdir().unwrap();
    let source = make_openssl_identity(&work.path().join("id"), "pass.com.example.other", "TESSERA001");
    let data = work.path().join("data");
    let out = tessera(&data).args(["keys", "import", "--pass-type-id", PTID]).arg(&source).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("the certificate is for `pass.com.example.other`, not `pass.dev.tessera.example`"),
        "{}",
        text(&out)
    );
    assert!(!data.join("identities").exists(), "nothing stored");
}

#[tokio::test]
async fn keys_import_from_a_p12_into_secrets_manager() {
    let work = tempfile::tempdir().unwrap();
    let id = make_openssl_identity(&work.path().join("id"), PTID, "TESSERA001");
    let p12 = export_p12(&id, "pw-123", false);
    let prefix = unique_resources().secret_prefix;
    let out = tessera(&work.path().join("data"))
        .args(["keys", "import", "--backend", "aws", "--pass-type-id", PTID])
        .arg(&p12)
        .env("TESSERA_IDENTITY_PASSWORD", "pw-123")
        .env("TESSERA_SECRET_PREFIX", &prefix)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("Secrets Manager secret {prefix}/pass-type/{PTID}")), "{}", text(&out));
    assert!(!text(&out).contains("pw-123"));
    let secrets = SecretsManagerSecrets::new(clients().await.secrets, &prefix);
    let stored = secrets.signing_identity(PTID).await.unwrap().expect("in Secrets Manager");
    assert_eq!(stored.load().unwrap().pass_type_id(), PTID);
}

#[tokio::test]
async fn aws_bootstrap_creates_the_table_and_bucket_once() {
    let resources = unique_resources();
    let work = tempfile::tempdir().unwrap();
    let run = || {
        tessera(work.path())
            .args(["aws", "bootstrap"])
            .env("TESSERA_TABLE", &resources.table)
            .env("TESSERA_BUCKET", &resources.bucket)
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", text(&first));
    assert!(text(&first).contains(&format!("table {}: created", resources.table)), "{}", text(&first));
    assert!(text(&first).contains(&format!("bucket {}: created", resources.bucket)), "{}", text(&first));
    let second = run();
    assert!(text(&second).contains("already there"), "{}", text(&second));
    let clients = clients().await;
    clients.dynamodb.describe_table().table_name(&resources.table).send().await.expect("table exists");
    clients.s3.head_bucket().bucket(&resources.bucket).send().await.expect("bucket exists");
}
