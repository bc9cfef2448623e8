#!/usr/bin/env python3
"""A `sam deploy` rehearsal on moto, then what was created held to the code.

    infra/deploy-rehearsal.sh      (starts moto and runs this with its endpoint)

moto's CloudFormation does not run the Serverless transform (a plain `sam deploy` against it
reports success and creates no function), so the rehearsal does what the service would:
1. `sam package` uploads each function's code folder to the artifacts bucket. Only a few
   functions are built in CI, so the template is packaged from a copy whose code folders
   hold a placeholder `bootstrap`: the rehearsal is about the stack, not the binaries;
2. the official SAM translator (samtranslator, shipped with aws-sam-cli) expands the
   packaged template offline;
3. a change set creates the stack from it and is executed; the stack must reach
   CREATE_COMPLETE;
4. moto's CloudFormation skips the HTTP API, so the translated API's OpenAPI `Body`, with the
   functions' real ARNs, is imported into moto's API Gateway v2 (ReimportApi).
Then: every route of shared/src/http/routes.rs has its function, its API route and
integration naming that function, and an invoke permission for the API; every environment
variable the code reads is set on every function (or listed below with the reason it may be
absent); the functions that push carry TESSERA_PUSHER; the table's stream feeds the push
dispatcher with partial batch responses, filtered to modifications; every function has a role, which allows the
DescribeTable every function calls at init, and every AWS action the function's route or
worker made when the tests ran it on moto (infra/test.sh notes them in
target/aws-operations.jsonl: run it first).
"""

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from checklist import check, finish

ROOT = Path(__file__).resolve().parent.parent
STACK = "tessera-rehearsal"
PARAMETERS = {"PublicUrl": "https://wallet.example.com", "Architecture": "x86_64"}
# Variables the code reads that a deployed function may go without, and why.
OPTIONAL = {
    "TESSERA_GOOGLE_API_URL": "tests point Google's API at a fake",
    "TESSERA_GOOGLE_TOKEN_URL": "tests point Google's token endpoint at a fake",
    "TESSERA_GOOGLE_KEYS_URL": "tests point Google's callback keys at a fake",
    "TESSERA_BLOB_PREFIX": "defaults to the bucket's root",
    "TESSERA_APNS_PUSH_TYPE": "unset lets APNs decide",
    "TESSERA_APNS_PRIORITY": "unset lets APNs decide",
    "TESSERA_APNS_ENDPOINT": "unset is Apple's production host, the one Wallet uses",
    "TESSERA_PUSHER": "only the functions that push need it (checked separately)",
    "TESSERA_CALLBACK_QUEUE_URL": "only the callback worker sends retries to the callback queue (checked separately)",
}


def routes():
    """(name, method, path, item) of every entry of the routes table."""
    source = (ROOT / "shared/src/http/routes.rs").read_text()
    pattern = r'^\s*(\w+) = "(\w+)", (\w+)(?: \+HEAD)? "([^"]+)", \w+, [\w:]+;'
    return [(name, method, path, item) for item, name, method, path in re.findall(pattern, source, re.M)]


def logical_id(name):
    return "".join(part.capitalize() for part in name.split("_")) + "Function"


def variables_read():
    """The TESSERA_ variables the settings and the AWS clients read."""
    found = set()
    for file in ["shared/src/config.rs", "shared/src/aws/config.rs"]:
        code = "\n".join(l for l in (ROOT / file).read_text().splitlines() if not l.lstrip().startswith("//"))
        found |= set(re.findall(r'"(TESSERA_[A-Z0-9_]+)"', code))
    return found


def package(endpoint, sam, work):
    """`sam package` of a copy of the template whose code folders hold placeholders."""
    template = yaml_parse((ROOT / "template.yaml").read_text())
    for resource in template["Resources"].values():
        uri = resource.get("Properties", {}).get("CodeUri")
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(uri, str):
            folder = work / uri
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "bootstrap").write_text("#!/bin/sh\n# placeholder: the rehearsal checks the stack, not the code\n")
    shutil.copy(ROOT / "template.yaml", work / "template.yaml")
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket="rehearsal-artifacts")
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, SAM_CLI_TELEMETRY="0")
    done = subprocess.run([sam, "package", "--template-file", "template.yaml", "--s3-bucket", "rehearsal-artifacts",
                           "--output-template-file", "packaged.yaml", "--region", "us-east-1"],
                          cwd=work, env=env, capture_output=True, text=True)
    if not check(done.returncode == 0, f"sam package ({done.stderr.strip()[-300:]})"):
        sys.exit(1)
    return yaml_parse((work / "packaged.yaml").read_text())


class NoManagedPolicies:
    """The translator asks IAM for AWS managed policies named by name; the template names none."""

    def load(self):
        return {}


def deploy(endpoint, translated):
    s3 = boto3.client("s3", endpoint_url=endpoint)
    body = json.dumps(translated)
    s3.put_object(Bucket="rehearsal-artifacts", Key="translated.json", Body=body.encode())
    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint)
    created = cloudformation.create_change_set(
        StackName=STACK, ChangeSetName="rehearsal", ChangeSetType="CREATE",
        TemplateURL=f"{endpoint}/rehearsal-artifacts/translated.json",
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in PARAMETERS.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
    for _ in range(120):
        change_set = cloudformation.describe_change_set(ChangeSetName=created["Id"])
        if change_set["Status"] in ("CREATE_COMPLETE", "FAILED"):
            break
        time.sleep(0.5)
    check(change_set["Status"] == "CREATE_COMPLETE", f"the change set is ready ({change_set.get('StatusReason', '')})")
    cloudformation.execute_change_set(ChangeSetName=created["Id"])
    for _ in range(240):
        stack = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]
        if not stack["StackStatus"].endswith("IN_PROGRESS"):
            break
        time.sleep(0.5)
    check(stack["StackStatus"] == "CREATE_COMPLETE", f"the stack is created ({stack['StackStatus']})")
    paginator = cloudformation.get_paginator("list_stack_resources")
    return {r["LogicalResourceId"]: r for page in paginator.paginate(StackName=STACK)
            for r in page["StackResourceSummaries"]}


def resolve(value, arns):
    """The translated API body's intrinsic functions, with the created functions' ARNs."""
    if isinstance(value, dict):
        if set(value) == {"Fn::Sub"}:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            return re.sub(r"\$\{(\w+)\.Arn\}", lambda m: arns.get(m.group(1), m.group(0)),
                          text.replace("${AWS::Region}", "us-east-1").replace("${AWS::Partition}", "aws"))
        return {k: resolve(v, arns) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, arns) for v in value]
    return value


def role_actions(translated, function):
    """Every IAM action the translated role of `function` allows."""
    role = translated["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    actions = set()
    for policy in translated["Resources"][role]["Properties"].get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            if statement.get("Effect") == "Allow":
                listed = statement.get("Action", [])
                actions |= {listed} if isinstance(listed, str) else set(listed)
    return actions


# The IAM action prefix of each service, as the SDK names the service.
IAM_PREFIX = {"DynamoDB": "dynamodb", "S3": "s3", "Secrets Manager": "secretsmanager", "SQS": "sqs",
              "Scheduler": "scheduler"}
# Operations IAM authorizes under other actions (the Service Authorization Reference); every
# other operation is authorized by its own name.
AUTHORIZED_AS = {
    "S3:HeadObject": ["s3:GetObject"],
    "S3:ListObjectsV2": ["s3:ListBucket"],
    "S3:DeleteObjects": ["s3:DeleteObject"],
    "S3:CopyObject": ["s3:GetObject", "s3:PutObject"],
    "Scheduler:CreateSchedule": ["scheduler:CreateSchedule", "iam:PassRole"],
    "Scheduler:UpdateSchedule": ["scheduler:UpdateSchedule", "iam:PassRole"],
}

# Routes whose work calls no AWS service, and what they do instead.
NO_AWS_OPERATIONS = {
    "openapi": "serves the OpenAPI document built into the binary",
}


def operations_made(log):
    """{unit: {IAM action}} from the tests' log of the AWS operations each route and
    worker made on moto (tests/src/aws_operations.rs)."""
    made = {}
    for line in Path(log).read_text().splitlines() if Path(log).is_file() else []:
        entry = json.loads(line)
        made.setdefault(entry["unit"], set()).update(actions_needed(entry))
    return made


def actions_needed(entry):
    """The IAM actions that authorize one noted operation. IAM has no action for a DynamoDB
    transaction: it authorizes each item by the item's own action."""
    service, name = entry["service"], entry["operation"]
    if (service, name) == ("DynamoDB", "TransactWriteItems"):
        return [f"dynamodb:{kind}Item" for kind in entry["items"]]
    if (service, name) == ("DynamoDB", "TransactGetItems"):
        return ["dynamodb:GetItem"]
    return AUTHORIZED_AS.get(f"{service}:{name}", [f"{IAM_PREFIX.get(service, service.lower())}:{name}"])


def allowed(action, granted):
    """IAM actions match case-insensitively, with `*` wildcards."""
    return any(fnmatch.fnmatchcase(action.lower(), g.lower()) for g in granted)


def hold_roles_to_operations(translated, functions, table, log):
    made = operations_made(log)
    check(bool(made), f"the tests noted the AWS operations of each function ({log}; run infra/test.sh first)")
    units = [name for name, *_ in table] + ["push_dispatcher", "job_worker", "timer_worker", "callback_worker"]
    unknown = sorted(set(made) - set(units))
    check(not unknown, f"every unit the tests noted is a function ({unknown or len(made)})")
    denied = {}
    for unit in units:
        logical = logical_id(unit)
        granted = role_actions(translated, logical) if logical in functions else set()
        for action in sorted(made.get(unit, ())):
            if not allowed(action, granted):
                denied.setdefault(logical, []).append(action)
    noted = sum(len(v) for v in made.values())
    check(not denied, f"each function's role allows every AWS action its work made in the tests "
                      f"({denied or f'{noted} actions of {len(made)} functions'})")
    unseen = [unit for unit in units if unit not in made and unit not in NO_AWS_OPERATIONS]
    check(not unseen, f"the tests ran every function's work on AWS ({unseen or 'all but ' + ', '.join(NO_AWS_OPERATIONS)})")


def hold_to_code(endpoint, translated, resources, operations_log):
    lambdas = boto3.client("lambda", endpoint_url=endpoint)
    functions = {logical: r["PhysicalResourceId"] for logical, r in resources.items()
                 if r["ResourceType"] == "AWS::Lambda::Function"}
    arns = {logical: lambdas.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
            for logical, name in functions.items()}
    table = routes()
    check(len(table) > 80, f"the routes table parses ({len(table)} routes)")

    missing = [name for name, *_ in table if logical_id(name) not in functions]
    check(not missing, f"every route has its function ({missing or len(table)})")
    permissions = {r["Properties"]["FunctionName"]["Ref"] for r in translated["Resources"].values()
                   if r["Type"] == "AWS::Lambda::Permission" and r["Properties"].get("Principal") == "apigateway.amazonaws.com"}
    created_permissions = {l for l, r in resources.items() if r["ResourceType"] == "AWS::Lambda::Permission"}
    unpermitted = [name for name, *_ in table if logical_id(name) not in permissions]
    check(not unpermitted and len(created_permissions) >= len(table),
          f"API Gateway may invoke every route's function ({unpermitted or len(created_permissions)} permissions)")

    api = translated["Resources"]["HttpApi"]["Properties"]["Body"]
    gateway = boto3.client("apigatewayv2", endpoint_url=endpoint)
    # moto answers ReimportApi (not ImportApi): the body goes onto an API made for it.
    imported = gateway.create_api(Name="rehearsal", ProtocolType="HTTP")
    gateway.reimport_api(ApiId=imported["ApiId"], Body=json.dumps(resolve(api, arns)))
    api_routes = {r["RouteKey"]: r for r in gateway.get_routes(ApiId=imported["ApiId"])["Items"]}
    integrations = {i["IntegrationId"]: i for i in gateway.get_integrations(ApiId=imported["ApiId"])["Items"]}
    wrong = []
    for name, method, path, _ in table:
        route = api_routes.get(f"{method} {path}")
        target = integrations.get((route or {}).get("Target", "").removeprefix("integrations/"), {})
        if not route or arns[logical_id(name)] not in target.get("IntegrationUri", ""):
            wrong.append(f"{method} {path}")
    check(not wrong, f"every route is on the API, integrated with its own function ({wrong or len(table)})")

    configurations = {logical: lambdas.get_function_configuration(FunctionName=name) for logical, name in functions.items()}
    needed = variables_read() - set(OPTIONAL)
    unset = {logical: sorted(needed - set(c.get("Environment", {}).get("Variables", {})))
             for logical, c in configurations.items()}
    unset = {k: v for k, v in unset.items() if v}
    check(not unset, f"every function has every variable the code reads ({unset or sorted(needed)})")
    pushing = [logical_id(name) for name, *_ in table if name == "push_pass"] + ["PushDispatcherFunction"]
    without = [l for l in pushing if "TESSERA_PUSHER" not in configurations[l].get("Environment", {}).get("Variables", {})]
    check(not without, f"the functions that push name their pusher ({without or pushing})")
    roles = [l for l, c in configurations.items() if not c.get("Role")]
    check(not roles, f"every function has a role ({roles or len(configurations)})")
    # Every function opens its DynamoDB connection at init with DescribeTable (AwsClients::warm).
    unwarmable = [l for l in functions if "dynamodb:DescribeTable" not in role_actions(translated, l)]
    check(not unwarmable, f"every function may describe the table it warms up on ({unwarmable or len(functions)})")

    hold_roles_to_operations(translated, functions, table, operations_log)

    mappings = lambdas.list_event_source_mappings(FunctionName=functions["PushDispatcherFunction"])["EventSourceMappings"]
    stream = [m for m in mappings if ":dynamodb:" in m.get("EventSourceArn", "")]
    check(len(stream) == 1, f"the table's stream feeds the push dispatcher ({len(stream)} mappings)")
    translated_mapping = [r["Properties"] for r in translated["Resources"].values()
                          if r["Type"] == "AWS::Lambda::EventSourceMapping"
                          and r["Properties"]["FunctionName"] == {"Ref": "PushDispatcherFunction"}]
    check(any("ReportBatchItemFailures" in m.get("FunctionResponseTypes", []) for m in translated_mapping),
          "with partial batch responses (ReportBatchItemFailures)")
    patterns = [json.loads(f["Pattern"]) for m in translated_mapping
                for f in m.get("FilterCriteria", {}).get("Filters", [])]
    check(patterns == [{"eventName": ["MODIFY"]}],
          f"and only modifications invoke it: the trail's inserts and expiries do not ({patterns})")

    worker = configurations["CallbackWorkerFunction"].get("Environment", {}).get("Variables", {})
    check("TESSERA_CALLBACK_QUEUE_URL" in worker, "the callback worker knows its queue, to send retries back to it")
    mappings = lambdas.list_event_source_mappings(FunctionName=functions["CallbackWorkerFunction"])["EventSourceMappings"]
    from_queue = [m for m in mappings if ":sqs:" in m.get("EventSourceArn", "")]
    check(len(from_queue) == 1, f"the callback queue feeds the callback worker ({len(from_queue)} mappings)")
    pipes = [r for r in resources.values() if r["ResourceType"] == "AWS::Pipes::Pipe"]
    declared = [r["Properties"] for r in translated["Resources"].values() if r["Type"] == "AWS::Pipes::Pipe"]
    check(len(declared) == 1 and declared[0]["Source"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
          and declared[0]["Target"] == {"Fn::GetAtt": ["CallbackQueue", "Arn"]},
          f"a pipe takes the table's stream to the callback queue (declared; {len(pipes)} created by the emulator)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True, help="moto, as http://localhost:<port>")
    parser.add_argument("--sam", required=True)
    parser.add_argument("--operations", default=str(ROOT / "target/aws-operations.jsonl"),
                        help="the AWS operations the tests noted (infra/test.sh writes it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        packaged = package(args.endpoint, args.sam, Path(folder))
    translated = transform(packaged, dict(PARAMETERS), NoManagedPolicies())
    check(len(translated["Resources"]) > 100, f"the SAM translator expands the template ({len(translated['Resources'])} resources)")
    resources = deploy(args.endpoint, translated)
    hold_to_code(args.endpoint, translated, resources, args.operations)
    finish()


if __name__ == "__main__":
    main()
