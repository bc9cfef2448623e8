//! The management API end to end on the AWS backend (DynamoDB, S3, Secrets Manager on moto).

use tessera_tests::api::TestServer;
use tessera_tests::api_flows::{
    partial_updates_and_the_void_example, template_and_pass_life, template_delete_racing_creates_leaves_no_orphans,
    template_updates_never_break_passes,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_and_pass_life_on_aws() {
    template_and_pass_life(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_updates_and_the_void_example_on_aws() {
    partial_updates_and_the_void_example(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_updates_never_break_passes_on_aws() {
    template_updates_never_break_passes(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_delete_racing_creates_leaves_no_orphans_on_aws() {
    template_delete_racing_creates_leaves_no_orphans(&TestServer::aws().await).await;
}

/// A pass whose template is gone (left by an earlier version's delete racing creates) does
/// not break the account: lists still answer and show it, reading it answers 404, and it
/// can be deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_without_its_template_breaks_nothing() {
    use reqwest::Method;
    use serde_json::json;
    use tessera_tests::api::{event_template, expect_json};

    let server = TestServer::aws().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let orphan = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    let other_template = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let other = server.create_pass(other_template, &json!({})).await["id"].as_u64().unwrap();
    // What the race used to leave: the template's item gone, its pass still there.
    let table = &server.aws.as_ref().unwrap().table;
    let key = [("pk", format!("TEMPLATE#{template_id}")), ("sk", "TEMPLATE".to_string())]
        .map(|(k, v)| (k.to_string(), aws_sdk_dynamodb::types::AttributeValue::S(v)));
    let dynamodb = tessera_tests::moto::clients().await.dynamodb;
    dynamodb.delete_item().table_name(table).set_key(Some(key.into())).send().await.unwrap();

    let listed = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    let ids: Vec<u64> = listed["passes"].as_array().unwrap().iter().map(|p| p["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [other, orphan], "{listed}");
    let read = server.api(Method::GET, &format!("/v1/pass/{orphan}")).send().await.unwrap();
    assert_eq!(read.status(), 404);
    let deleted = server.api(Method::DELETE, &format!("/v1/pass/{orphan}")).send().await.unwrap();
    expect_json(deleted, 200).await;
    let listed = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 1, "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_airship_integration_runs_unchanged_on_aws() {
    tessera_tests::airship_flows::airship_integration(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_by_id_and_external_id_on_aws() {
    tessera_tests::airship_flows::projects_by_id_and_external_id(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passes_by_external_id_on_aws() {
    tessera_tests::airship_flows::passes_by_external_id(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_with_ids_on_aws() {
    tessera_tests::airship_flows::tags_with_ids(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_locations_on_aws() {
    tessera_tests::airship_flows::template_locations(&TestServer::aws().await).await;
}

/// The bulk update on AWS: its steps go through SQS (on moto) to the job worker's handler.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_update_by_tag_on_aws() {
    let server = TestServer::aws_with_job_worker(|c| c.bulk_step_passes = tessera_tests::airship_flows::STEP).await;
    tessera_tests::airship_flows::bulk_update_by_tag(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_are_made_used_and_revoked_on_aws() {
    tessera_tests::token_flows::api_tokens(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passentrys_pass_api_runs_on_aws() {
    tessera_tests::passentry_flows::passentry_pass_api(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expirations_are_scheduled_on_aws() {
    tessera_tests::expiration_flows::expirations_are_scheduled_on_aws(&TestServer::aws().await).await;
}

#[tokio::test]
async fn the_doctor_diagnoses_passes_sent_to_it_on_aws() {
    tessera_tests::doctor_flows::the_doctor_diagnoses_passes_sent_to_it(&TestServer::aws().await).await;
}

/// Segments on DynamoDB; the members' bulk update goes through SQS (on moto) a pass a step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segments_select_passes_by_tag_expressions_on_aws() {
    let server = TestServer::aws_with_job_worker(|c| c.bulk_step_passes = 1).await;
    tessera_tests::segment_flows::segments_select_passes_by_tag_expressions(&server).await;
    tessera_tests::segment_flows::bad_segments_are_refused(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedules_are_eventbridge_schedules_on_aws() {
    let server = TestServer::aws_with_job_worker(|_| {}).await;
    tessera_tests::schedule_flows::schedules_are_eventbridge_schedules_on_aws(&server).await;
    tessera_tests::schedule_flows::bad_schedules_are_refused(&server).await;
}

/// Certificates in Secrets Manager (on moto), records in DynamoDB, the expiry warning in
/// EventBridge Scheduler.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_sign_renew_and_show_in_health_on_aws() {
    let server = TestServer::aws().await;
    tessera_tests::certificate_flows::certificates_sign_renew_and_show_in_health(&server).await;
    tessera_tests::certificate_flows::bad_certificates_are_refused(&server).await;
    tessera_tests::certificate_flows::certificate_expiry_is_scheduled_on_aws(&server).await;
    tessera_tests::certificate_flows::racing_uploads_make_one_record(&server).await;
}

/// Callbacks through the table's stream (the pipe), the callback queue (SQS on moto) and
/// the callback worker's handler, retries coming back as delayed messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_go_through_the_stream_and_the_callback_queue_on_aws() {
    let clock =
        std::sync::Arc::new(tessera::ports::ManualClock::new(tessera::ports::Clock::now(&tessera::ports::SystemClock)));
    let server = TestServer::aws_for_callbacks(clock.clone()).await;
    tessera_tests::callback_flows::callbacks_reach_a_receiver_signed_and_survive_it_being_down(&server, clock).await;
    tessera_tests::certificate_flows::certificate_expiry_is_a_callback(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_see_passes_before_they_are_made_on_aws() {
    tessera_tests::api_flows::browsers_see_passes_before_they_are_made(&TestServer::aws().await).await;
}

#[tokio::test]
async fn previews_draw_the_pass_on_aws() {
    tessera_tests::api_flows::previews_draw_the_pass(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_get_the_pass_page_on_aws() {
    tessera_tests::api_flows::browsers_get_the_pass_page(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_make_each_pass_or_say_why_not_on_aws() {
    tessera_tests::pass_batch_flows::batches_make_each_pass_or_say_why_not(&TestServer::aws().await).await;
}

#[tokio::test]
async fn refused_batches_make_nothing_on_aws() {
    tessera_tests::pass_batch_flows::refused_batches_make_nothing(&TestServer::aws().await).await;
}
