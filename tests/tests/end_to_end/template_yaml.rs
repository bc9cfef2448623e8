//! template.yaml and the code agree: the table `tessera aws bootstrap` creates is the one the
//! SAM template declares (keys, attributes, indexes, stream, billing), and the bucket is
//! private and encrypted in both.

use std::collections::BTreeSet;

use serde_norway::Value;
use tessera::aws::schema::{
    BILLING_MODE, INDEXES, KEY_ATTRIBUTES, PARTITION_KEY, SORT_KEY, STREAM_VIEW_TYPE, TTL_ATTRIBUTE,
};

fn template() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn resource<'a>(template: &'a Value, kind: &str) -> &'a Value {
    let resources = template["Resources"].as_mapping().unwrap();
    let matching: Vec<&Value> = resources.values().filter(|r| r["Type"].as_str() == Some(kind)).collect();
    assert_eq!(matching.len(), 1, "exactly one {kind}");
    &matching[0]["Properties"]
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v:?}"))
}

fn keys(schema: &Value) -> (String, String) {
    let mut hash = None;
    let mut range = None;
    for element in schema.as_sequence().unwrap() {
        match str_of(element, "KeyType") {
            "HASH" => hash = Some(str_of(element, "AttributeName").to_string()),
            "RANGE" => range = Some(str_of(element, "AttributeName").to_string()),
            other => panic!("key type {other}"),
        }
    }
    (hash.unwrap(), range.unwrap())
}

#[test]
fn the_table_matches_the_schema_both_ways() {
    let template = template();
    let table = resource(&template, "AWS::DynamoDB::Table");
    assert_eq!(keys(&table["KeySchema"]), (PARTITION_KEY.to_string(), SORT_KEY.to_string()));
    assert_eq!(str_of(table, "BillingMode"), BILLING_MODE);
    assert_eq!(str_of(&table["StreamSpecification"], "StreamViewType"), STREAM_VIEW_TYPE);
    assert_eq!(str_of(&table["TimeToLiveSpecification"], "AttributeName"), TTL_ATTRIBUTE);
    assert_eq!(table["TimeToLiveSpecification"]["Enabled"].as_bool(), Some(true));

    let declared: BTreeSet<(String, String)> = table["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| (str_of(a, "AttributeName").to_string(), str_of(a, "AttributeType").to_string()))
        .collect();
    let code: BTreeSet<(String, String)> =
        KEY_ATTRIBUTES.iter().map(|(n, t)| (n.to_string(), t.as_str().to_string())).collect();
    assert_eq!(declared, code, "attribute definitions");

    let declared: BTreeSet<(String, String, String, String)> = table["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|i| {
            let (hash, range) = keys(&i["KeySchema"]);
            (str_of(i, "IndexName").to_string(), hash, range, str_of(&i["Projection"], "ProjectionType").to_string())
        })
        .collect();
    let code: BTreeSet<(String, String, String, String)> =
        INDEXES.iter().map(|i| (i.name.into(), i.partition_key.into(), i.sort_key.into(), "ALL".into())).collect();
    assert_eq!(declared, code, "global secondary indexes");
}

#[test]
fn the_bucket_is_private_and_encrypted() {
    let template = template();
    let bucket = resource(&template, "AWS::S3::Bucket");
    let block = &bucket["PublicAccessBlockConfiguration"];
    for key in ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] {
        assert_eq!(block[key].as_bool(), Some(true), "{key}");
    }
    let rule = &bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"];
    assert_eq!(str_of(rule, "SSEAlgorithm"), "AES256", "bootstrap applies the same default encryption");
}

#[test]
fn the_api_routes_match_the_routes_table_both_ways() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let mut declared = BTreeSet::new();
    for resource in resources.values().filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function")) {
        let code = str_of(&resource["Properties"], "CodeUri");
        let binary = code
            .strip_prefix("target/lambda/")
            .and_then(|b| b.strip_suffix('/'))
            .unwrap_or_else(|| panic!("{code}"))
            .to_string();
        let events = resource["Properties"]["Events"].as_mapping().into_iter().flatten();
        let not_api = |e: &Value| matches!(e["Type"].as_str(), Some("DynamoDB" | "SQS"));
        for (_, event) in events.filter(|(_, e)| !not_api(e)) {
            assert_eq!(event["Type"].as_str(), Some("HttpApi"), "{binary}");
            let properties = &event["Properties"];
            let method = str_of(properties, "Method").to_string();
            declared.insert((binary.clone(), method, str_of(properties, "Path").to_string()));
        }
    }
    let mut routed: BTreeSet<(String, String, String)> =
        tessera::http::ROUTES.iter().map(|r| (r.name.to_string(), r.method.to_string(), r.path.to_string())).collect();
    for route in tessera::http::ROUTES.iter().filter(|r| r.answers_head) {
        routed.insert((route.name.to_string(), "HEAD".to_string(), route.path.to_string()));
    }
    assert_eq!(declared, routed);
}

#[test]
fn the_job_worker_reads_the_job_queue_and_may_finish_before_a_retry() {
    let template = template();
    let worker = &template["Resources"]["JobWorkerFunction"]["Properties"];
    assert_eq!(worker["CodeUri"].as_str(), Some("target/lambda/job_worker/"));
    let event = &worker["Events"]["Queue"];
    assert_eq!(event["Type"].as_str(), Some("SQS"));
    assert_eq!(event["Properties"]["BatchSize"].as_u64(), Some(1), "one step at a time");
    let queue = &template["Resources"]["JobQueue"]["Properties"];
    let timeout = worker["Timeout"].as_u64().unwrap();
    assert!(queue["VisibilityTimeout"].as_u64().unwrap() >= 6 * timeout, "a running step is not delivered twice");
    let bulk = &template["Resources"]["UpdatePassesByTagFunction"]["Properties"]["Policies"];
    assert!(serde_json::to_string(&serde_json::to_value(bulk).unwrap()).unwrap().contains("SQSSendMessagePolicy"));
}

#[test]
fn the_push_dispatcher_reads_the_table_stream() {
    let template = template();
    let dispatcher = &template["Resources"]["PushDispatcherFunction"];
    assert_eq!(dispatcher["Properties"]["CodeUri"].as_str(), Some("target/lambda/push_dispatcher/"));
    assert_eq!(dispatcher["Properties"]["Events"]["Stream"]["Type"].as_str(), Some("DynamoDB"));
}

/// Timers: the functions learn the timer worker's ARN and the scheduler's role from the
/// environment, the role may invoke exactly that function, and the functions that change
/// passes may set schedules and hand the role over.
#[test]
fn schedules_invoke_the_timer_worker_as_the_scheduler_role() {
    let template = template();
    let text = |v: &Value| serde_json::to_string(&serde_json::to_value(v).unwrap()).unwrap();
    let worker = &template["Resources"]["TimerWorkerFunction"]["Properties"];
    assert_eq!(worker["CodeUri"].as_str(), Some("target/lambda/timer_worker/"));
    let name = text(&worker["FunctionName"]);
    assert!(name.contains("${AWS::StackName}-timer-worker"), "{name}");
    let env = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert!(text(&env["TESSERA_TIMER_FUNCTION_ARN"]).contains(":function:${AWS::StackName}-timer-worker"));
    assert!(text(&env["TESSERA_TIMER_ROLE_ARN"]).contains("SchedulerRole"));
    let role = text(&template["Resources"]["SchedulerRole"]["Properties"]);
    assert!(role.contains("scheduler.amazonaws.com") && role.contains("lambda:InvokeFunction"), "{role}");
    assert!(role.contains(":function:${AWS::StackName}-timer-worker"), "only the timer worker: {role}");
    for function in ["CreatePassFunction", "UpdatePassFunction", "PassentryCreatePassFunction", "DeletePassFunction"] {
        let policies = text(&template["Resources"][function]["Properties"]["Policies"]);
        assert!(policies.contains("scheduler:CreateSchedule") && policies.contains("iam:PassRole"), "{function}");
    }
}

/// A tagged value (`!GetAtt X.Y`, `!Ref X`) as `tag value`.
fn intrinsic(value: &Value) -> String {
    match value {
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, tagged.value.as_str().unwrap_or_default()),
        other => panic!("not an intrinsic function: {other:?}"),
    }
}

/// Callbacks: the pipe feeds the callback queue with the stream records the code's filter
/// lets through (inserted deliveries), the queue dead-letters, and the worker reads it,
/// answers partial batch failures, and may send retries back to it.
#[test]
fn the_callback_queue_is_fed_by_the_table_stream_through_the_pipe() {
    let template = template();
    let resources = &template["Resources"];
    let pipe = &resources["CallbackPipe"]["Properties"];
    assert_eq!(resources["CallbackPipe"]["Type"].as_str(), Some("AWS::Pipes::Pipe"));
    assert_eq!(intrinsic(&pipe["Source"]), "!GetAtt Table.StreamArn");
    assert_eq!(intrinsic(&pipe["Target"]), "!GetAtt CallbackQueue.Arn");
    let pattern = str_of(&pipe["SourceParameters"]["FilterCriteria"]["Filters"][0], "Pattern");
    let expected = tessera::aws::dynamo::insert_filter_pattern(tessera::model::document::Collection::CallbackDelivery);
    let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    assert_eq!(parse(pattern), parse(&expected));

    let queue = &resources["CallbackQueue"]["Properties"];
    assert_eq!(intrinsic(&queue["RedrivePolicy"]["deadLetterTargetArn"]), "!GetAtt CallbackDeadLetterQueue.Arn");
    let worker = &resources["CallbackWorkerFunction"]["Properties"];
    assert_eq!(worker["CodeUri"].as_str(), Some("target/lambda/callback_worker/"));
    let timeout = worker["Timeout"].as_u64().unwrap();
    assert!(queue["VisibilityTimeout"].as_u64().unwrap() >= 6 * timeout);
    let event = &worker["Events"]["Queue"]["Properties"];
    assert_eq!(intrinsic(&event["Queue"]), "!GetAtt CallbackQueue.Arn");
    assert_eq!(event["FunctionResponseTypes"][0].as_str(), Some("ReportBatchItemFailures"));
    let variable = &worker["Environment"]["Variables"]["TESSERA_CALLBACK_QUEUE_URL"];
    assert_eq!(intrinsic(variable), "!Ref CallbackQueue");
    let role = serde_json::to_string(&serde_json::to_value(&resources["CallbackPipeRole"]).unwrap()).unwrap();
    assert!(role.contains("dynamodb:GetRecords") && role.contains("sqs:SendMessage"), "{role}");
}
