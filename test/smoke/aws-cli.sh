#!/usr/bin/env bash
# Drives a running Dynabase with the AWS CLI: create, describe, list, tag, put, get, delete, update
# and delete a table. Usage: test/smoke/aws-cli.sh http://127.0.0.1:8000
# Exits non-zero (and says where) at the first answer that is not what DynamoDB would give.
set -euo pipefail
endpoint=${1:?endpoint}
aws_bin=$(command -v /usr/bin/aws || command -v aws)
export AWS_ACCESS_KEY_ID=smoke AWS_SECRET_ACCESS_KEY=smoke AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
ddb() { "$aws_bin" dynamodb --endpoint-url "$endpoint" --output json "$@"; }
expect() { # expect <description> <needle> <haystack>
  if [[ "$3" != *"$2"* ]]; then echo "FAIL: $1: expected to find [$2] in: $3" >&2; exit 1; fi
}
table=cli_smoke_$$

out=$(ddb create-table --table-name "$table" \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST --tags Key=team,Value=smoke)
expect "create-table" '"TableName": "'"$table"'"' "$out"
ddb wait table-exists --table-name "$table"
out=$(ddb describe-table --table-name "$table")
expect "describe-table status" '"TableStatus": "ACTIVE"' "$out"
arn=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Table"]["TableArn"])')
out=$(ddb list-tables)
expect "list-tables" "\"$table\"" "$out"
out=$(ddb list-tags-of-resource --resource-arn "$arn")
expect "tags" '"Value": "smoke"' "$out"

ddb put-item --table-name "$table" --item '{"pk":{"S":"a"},"sk":{"N":"1.50"},"v":{"SS":["x","y"]}}'
out=$(ddb get-item --table-name "$table" --key '{"pk":{"S":"a"},"sk":{"N":"1.5"}}' --consistent-read)
expect "get-item canonical number" '"N": "1.5"' "$out"
expect "get-item set" '"SS"' "$out"
out=$(ddb put-item --table-name "$table" --item '{"pk":{"S":"a"},"sk":{"N":"1.5"},"v":{"S":"new"}}' --return-values ALL_OLD --return-consumed-capacity TOTAL)
expect "put-item ALL_OLD" '"SS"' "$out"
expect "put-item capacity" '"CapacityUnits": 1.0' "$out"
ddb delete-item --table-name "$table" --key '{"pk":{"S":"a"},"sk":{"N":"1.5"}}'
out=$(ddb get-item --table-name "$table" --key '{"pk":{"S":"a"},"sk":{"N":"1.5"}}')
[[ -z "$out" ]] || { echo "FAIL: item still there after delete-item: $out" >&2; exit 1; }

if out=$(ddb get-item --table-name "$table" --key '{"pk":{"N":"1"},"sk":{"N":"1"}}' 2>&1); then
  echo "FAIL: a key of the wrong type was accepted" >&2; exit 1
fi
expect "wrong key type" 'ValidationException' "$out"
expect "wrong key type message" 'The provided key element does not match the schema' "$out"

out=$(ddb update-table --table-name "$table" --billing-mode PROVISIONED --provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5)
expect "update-table" '"TableName": "'"$table"'"' "$out"
ddb wait table-exists --table-name "$table"
ddb delete-table --table-name "$table" >/dev/null
if out=$(ddb describe-table --table-name "$table" 2>&1); then
  expect "describe after delete" '"TableStatus": "DELETING"' "$out"
else
  expect "describe after delete" 'ResourceNotFoundException' "$out"
fi
echo "aws-cli smoke: ok"
