"""What moto_serial.py's item-level transaction rollback must keep of moto's behaviour.

Run by `cargo xtask test` (and by hand: .venv/bin/python xtask/test_moto_serial.py): starts
moto_serial.py on a free port and checks, through boto3, that
- a transaction whose condition fails writes nothing, restores what it overwrote, and leaves no
  record in the table's stream;
- a successful transaction writes all of it, with one stream record per item;
- requests made between transactions survive a failed one (moto's own rollback erased them);
- a Query of one partition returns that partition's items, in order, paged, and nothing else;
- the data operations' answers, dumped as they are, equal moto's own serialization (the server
  runs with MOTO_SERIAL_CHECK_ANSWERS=1, producing both and failing the request if they differ).
"""

import os
import socket
import subprocess
import sys
import time
import unittest

import boto3
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ItemLevelRollback(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        port = free_port()
        cls.server = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "moto_serial.py"), "127.0.0.1", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ, MOTO_SERIAL_CHECK_ANSWERS="1"),
        )
        endpoint = f"http://127.0.0.1:{port}"
        session = boto3.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
        )
        cls.db = session.client("dynamodb", endpoint_url=endpoint)
        cls.streams = session.client("dynamodbstreams", endpoint_url=endpoint)
        deadline = time.time() + 60
        while True:
            try:
                cls.db.list_tables()
                break
            except Exception:
                if time.time() > deadline or cls.server.poll() is not None:
                    raise
                time.sleep(0.2)
        cls.db.create_table(
            TableName="T",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait()

    def records(self):
        arn = self.db.describe_table(TableName="T")["Table"]["LatestStreamArn"]
        shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        return [
            (r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"])
            for r in self.streams.get_records(ShardIterator=iterator)["Records"]
        ]

    def item(self, pk):
        return self.db.get_item(
            TableName="T", Key={"PK": {"S": pk}, "SK": {"S": "v"}}, ConsistentRead=True
        ).get("Item")

    def put(self, pk, value, condition=None):
        put = {"TableName": "T", "Item": {"PK": {"S": pk}, "SK": {"S": "v"}, "x": {"S": value}}}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    def test_transactions_write_all_or_nothing_and_the_stream_shows_only_what_happened(self):
        self.db.transact_write_items(TransactItems=[self.put("a", "1"), self.put("b", "1")])
        before = self.records()
        self.assertEqual(before[-2:], [("INSERT", "a"), ("INSERT", "b")])
        # Written between transactions: must survive the failed one below.
        self.db.put_item(TableName="T", Item={"PK": {"S": "c"}, "SK": {"S": "v"}})
        with self.assertRaises(ClientError) as failed:
            self.db.transact_write_items(
                TransactItems=[
                    self.put("new", "1"),
                    self.put("a", "2"),
                    self.put("b", "2", condition="attribute_not_exists(PK)"),
                ]
            )
        self.assertEqual(failed.exception.response["Error"]["Code"], "TransactionCanceledException")
        self.assertIsNone(self.item("new"))
        self.assertEqual(self.item("a")["x"]["S"], "1")
        self.assertEqual(self.item("b")["x"]["S"], "1")
        self.assertIsNotNone(self.item("c"))
        self.assertEqual(self.records(), before + [("INSERT", "c")])

    def test_a_query_reads_its_partition_in_order_and_pages(self):
        for pk in ["q1", "q2"]:
            for v in ["v3", "v1", "v2"]:
                self.db.put_item(TableName="T", Item={"PK": {"S": pk}, "SK": {"S": v}})
        query = {
            "TableName": "T",
            "KeyConditionExpression": "PK = :p",
            "ExpressionAttributeValues": {":p": {"S": "q1"}},
            "ConsistentRead": True,
        }
        items = self.db.query(**query)["Items"]
        self.assertEqual([(i["PK"]["S"], i["SK"]["S"]) for i in items], [("q1", "v1"), ("q1", "v2"), ("q1", "v3")])
        page = self.db.query(Limit=2, **query)
        self.assertEqual([i["SK"]["S"] for i in page["Items"]], ["v1", "v2"])
        rest = self.db.query(ExclusiveStartKey=page["LastEvaluatedKey"], **query)
        self.assertEqual([i["SK"]["S"] for i in rest["Items"]], ["v3"])
        backwards = self.db.query(ScanIndexForward=False, **query)["Items"]
        self.assertEqual([i["SK"]["S"] for i in backwards], ["v3", "v2", "v1"])
        ranged = dict(query, KeyConditionExpression="PK = :p AND SK > :v")
        ranged["ExpressionAttributeValues"] = {":p": {"S": "q1"}, ":v": {"S": "v1"}}
        self.assertEqual([i["SK"]["S"] for i in self.db.query(**ranged)["Items"]], ["v2", "v3"])
        none = dict(query, ExpressionAttributeValues={":p": {"S": "absent"}})
        self.assertEqual(self.db.query(**none)["Items"], [])



    def test_data_answers_dumped_as_they_are_equal_moto_serialization(self):
        key = {"PK": {"S": "d"}, "SK": {"S": "1"}}
        item = dict(
            key,
            n={"N": "12.50"},
            b={"B": b"\x00\x01\x02"},
            l={"L": [{"S": "x"}, {"BOOL": True}, {"NULL": True}]},
            m={"M": {"ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": [b"\x00"]}}},
            text={"S": "Ada Lovelace, 1815–1852"},
        )
        capacity = {"ReturnConsumedCapacity": "TOTAL"}
        self.db.put_item(TableName="T", Item=item, **capacity)
        old = self.db.put_item(TableName="T", Item=item, ReturnValues="ALL_OLD")["Attributes"]
        self.assertEqual(old["b"]["B"], b"\x00\x01\x02")
        got = self.db.get_item(TableName="T", Key=key, ConsistentRead=True, **capacity)
        self.assertEqual(got["Item"], item)
        self.assertNotIn("Item", self.db.get_item(TableName="T", Key={"PK": {"S": "none"}, "SK": {"S": "1"}}))
        query = self.db.query(
            TableName="T",
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "d"}},
            ScanIndexForward=False,
            Limit=1,
            **capacity,
        )
        self.assertEqual((query["Items"], query["Count"]), ([item], 1))
        updated = self.db.update_item(
            TableName="T",
            Key=key,
            UpdateExpression="SET c = if_not_exists(c, :zero) + :one",
            ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}},
            ReturnValues="ALL_NEW",
            **capacity,
        )
        self.assertEqual(updated["Attributes"]["c"], {"N": "1"})
        with self.assertRaises(ClientError) as failed:
            self.db.update_item(
                TableName="T",
                Key=key,
                UpdateExpression="SET c = :one",
                ConditionExpression="c = :zero",
                ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        self.assertEqual(failed.exception.response["Error"]["Code"], "ConditionalCheckFailedException")
        batch = self.db.batch_get_item(
            RequestItems={"T": {"Keys": [key, {"PK": {"S": "none"}, "SK": {"S": "1"}}], "ConsistentRead": True}},
            **capacity,
        )
        self.assertEqual([i["PK"]["S"] for i in batch["Responses"]["T"]], ["d"])
        self.db.batch_write_item(RequestItems={"T": [{"PutRequest": {"Item": {"PK": {"S": "w"}, "SK": {"S": "1"}}}}]})
        both = self.db.transact_get_items(TransactItems=[{"Get": {"TableName": "T", "Key": key}}])
        self.assertEqual(both["Responses"][0]["Item"]["n"], {"N": "12.50"})
        self.assertGreaterEqual(self.db.scan(TableName="T", **capacity)["Count"], 2)
        deleted = self.db.delete_item(TableName="T", Key=key, ReturnValues="ALL_OLD", **capacity)
        self.assertEqual(deleted["Attributes"]["text"], {"S": "Ada Lovelace, 1815–1852"})

if __name__ == "__main__":
    unittest.main()
