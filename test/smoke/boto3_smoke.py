"""Drives a running Dynabase with boto3 (resource and client APIs).

Usage: python3 test/smoke/boto3_smoke.py http://127.0.0.1:8000
Exits non-zero at the first answer that is not what DynamoDB would give.
"""
import os
import sys
from decimal import Decimal

import boto3
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
session = boto3.session.Session(aws_access_key_id="smoke", aws_secret_access_key="smoke", region_name="us-east-1")
client = session.client("dynamodb", endpoint_url=endpoint)
resource = session.resource("dynamodb", endpoint_url=endpoint)
name = f"boto3_smoke_{os.getpid()}"

table = resource.create_table(
    TableName=name,
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
table.wait_until_exists()
assert name in client.list_tables()["TableNames"], "table not listed"

table.put_item(Item={"id": "u1", "age": Decimal("42"), "tags": {"a", "b"}, "profile": {"nested": [1, "two", None, True]}})
item = table.get_item(Key={"id": "u1"}, ConsistentRead=True)["Item"]
assert item["age"] == Decimal("42"), item
assert item["tags"] == {"a", "b"}, item
assert item["profile"]["nested"] == [Decimal("1"), "two", None, True], item

old = table.delete_item(Key={"id": "u1"}, ReturnValues="ALL_OLD")["Attributes"]
assert old["id"] == "u1", old
assert "Item" not in table.get_item(Key={"id": "u1"})

try:
    client.describe_table(TableName="no_such_table_here")
    raise AssertionError("describe of a missing table succeeded")
except ClientError as error:
    assert error.response["Error"]["Code"] == "ResourceNotFoundException", error.response
    assert error.response["Error"]["Message"] == "Requested resource not found: Table: no_such_table_here not found", error.response

client.delete_table(TableName=name)
print("boto3 smoke: ok")
