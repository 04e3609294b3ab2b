"""moto's server, handling one request at a time.

moto runs a DynamoDB transaction without isolation and undoes a failed one by restoring a copy
of the tables it touched, which erases whatever other requests wrote meanwhile; its conditional
writes are not atomic across threads either. On AWS each request is atomic, so the local stack
and the tests serialize requests to behave the same way. Connections stay concurrent.

Two of moto's costs grow with the data, so the local stack slowed down as it filled:
- Serialized, a failed transaction needs only its own items undone. moto instead deep-copies
  every table a transaction touches, stream included, before each one. Here transactions copy
  just the items they touch (and the stream's length), and restore those if they fail.
- A Query of a table's partition sorts every item of the table to pick that partition's. Here
  it sorts only that partition.
Three more cost every request the same, and the one-at-a-time queue multiplies them: the server
logs each request (to a file nobody reads; errors are still logged), finding the backend for a
request's host lists moto's package directory, and answers are serialized by walking the
operation's shape member by member (a third of moto's CPU under load, by py-spy). Here the first
is off, the second remembered, and the data operations' answers, already DynamoDB JSON, are
dumped as they are (binary values base64, members the output shape lacks left out, as moto's
serializer does); `MOTO_SERIAL_CHECK_ANSWERS=1` produces both and fails the request if they
differ, which `xtask/test_moto_serial.py` runs.
`xtask/test_moto_serial.py` holds both to moto's observable behaviour.

usage: python moto_serial.py HOST PORT
"""

import base64
import copy
import json
import os
import sys
import threading

import moto
import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


class OneAtATime:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # The whole response is produced under the lock.
            return list(self.app(environ, start_response))


# What the item-level rollback below was written against.
PINNED_MOTO = "5.2.5"


class _NoTableCopies:
    """`copy` for moto's transaction code while it runs: tables are not copied (the rollback
    below restores items instead), anything else is, as before."""

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _key_of(backend, transact_item):
    op_type, op = next(iter(transact_item.items()))
    table = backend.get_table(op["TableName"])
    if op_type == "Put":
        attrs = op["Item"]
        key = {table.hash_key_attr: attrs[table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attrs[table.range_key_attr]
    else:
        key = op["Key"]
    hash_key, range_key = backend.get_keys_value(table, key)
    return table, hash_key, range_key


def _transact_write_items(original):
    def transact_write_items(self, transact_items):
        saved = []
        streams = {}
        for transact_item in transact_items:
            try:
                table, hash_key, range_key = _key_of(self, transact_item)
            except Exception:
                continue  # moto refuses it before writing anything of it
            item = table.get_item(hash_key, range_key)
            saved.append((table, hash_key, range_key, copy.deepcopy(item)))
            if table.stream_shard is not None:
                streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
        dynamodb_models.copy = _NoTableCopies
        try:
            return original(self, transact_items)
        except BaseException:
            for table, hash_key, range_key, item in reversed(saved):
                if range_key is None:
                    if item is None:
                        table.items.pop(hash_key, None)
                    else:
                        table.items[hash_key] = item
                else:
                    if item is None:
                        table.items[hash_key].pop(range_key, None)
                        if not table.items[hash_key]:
                            del table.items[hash_key]
                    else:
                        table.items[hash_key][range_key] = item
            # Records of writes that did not happen.
            for shard, length in streams.values():
                del shard.items[length:]
            raise
        finally:
            dynamodb_models.copy = copy

    return transact_write_items


def _partition_query(original):
    def query(self, hash_key, *args, **kwargs):
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name is not None or hash_key is None:
            return original(self, hash_key, *args, **kwargs)
        partition = self.items[hash_key] if hash_key in self.items else {}
        items = list(partition.values()) if self.range_key_attr else [partition] if partition else []
        # moto's query picks the partition out of all_items(); hand it just that partition.
        self.all_items = lambda: sorted(
            items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key
        )
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    return query


def _remembered_backends(original):
    """The backend for a host never changes while the server runs."""
    known = {}

    def get_backend_for_host(self, host):
        if host not in known:
            known[host] = original(self, host)
        return known[host]

    return get_backend_for_host


class QuietRequestHandler(MotoRequestHandler):
    """Logs only the requests moto failed (5xx); werkzeug logs every one."""

    def log_request(self, code="-", size="-"):
        if str(code).startswith("5"):
            super().log_request(code, size)


# The operations whose answers are items and capacity: plain DynamoDB JSON once moto has
# turned its types into dicts.
DATA_OPERATIONS = {
    "BatchGetItem",
    "BatchWriteItem",
    "DeleteItem",
    "GetItem",
    "PutItem",
    "Query",
    "Scan",
    "TransactGetItems",
    "UpdateItem",
}


def _binary_as_base64(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not DynamoDB JSON")


class AnswersDiffer(Exception):
    pass


def _dumped_answers(original):
    def execute_result(self, context):
        operation = context.operation_model
        if operation.name not in DATA_OPERATIONS or not isinstance(self.result, dict):
            return original(self, context)
        members = operation.output_shape.members
        answer = {k: v for k, v in self.result.items() if k in members and v is not None}
        try:
            body = json.dumps(answer, default=_binary_as_base64)
        except TypeError:
            return original(self, context)
        if os.environ.get("MOTO_SERIAL_CHECK_ANSWERS") == "1":
            status, headers, expected = original(self, context)
            if json.loads(expected) != json.loads(body):
                raise AnswersDiffer(f"{operation.name}: moto {expected} but dumped {body}")
            return status, headers, body
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    return execute_result


def patch_moto():
    if moto.__version__ != PINNED_MOTO:
        sys.exit(f"moto_serial.py was written against moto {PINNED_MOTO}, not {moto.__version__}")
    DynamoDBBackend.transact_write_items = _transact_write_items(
        DynamoDBBackend.transact_write_items
    )
    Table.query = _partition_query(Table.query)
    DynamoResult.execute_result = _dumped_answers(DynamoResult.execute_result)
    DomainDispatcherApplication.get_backend_for_host = _remembered_backends(
        DomainDispatcherApplication.get_backend_for_host
    )


def main():
    patch_moto()
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        host,
        port,
        OneAtATime(app),
        threaded=True,
        use_reloader=False,
        request_handler=QuietRequestHandler,
    )


if __name__ == "__main__":
    main()
