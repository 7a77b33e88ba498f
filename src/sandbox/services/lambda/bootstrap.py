"""The Python runtime inside a function's process: what Lambda's runtime interface client (awslambdaric)
does in /var/runtime, for the python3.x runtimes.

It loads the handler named by _HANDLER from LAMBDA_TASK_ROOT, then runs one invocation at a time as the
sandbox sends them. It speaks the protocol of bootstrap.ts (protocol.ts): Node's IPC channel, whose fd
Node passes in NODE_CHANNEL_FD, one JSON message per line. Output, errors and results take the shapes
Lambda's Python runtime gives them: `print` lines as they are, `logging` records as
`[LEVEL]\\t<time>\\t<request id>\\t<message>`, an unhandled error as `[ERROR] KeyError: 'TABLE_NAME'`
followed by its traceback, and the Invoke payload {errorMessage, errorType, requestId, stackTrace}.

Standard library only (Python 3.9+), and nothing of the sandbox: this process holds the learner's code.
"""

import importlib
import json
import logging
import os
import sys
import time
import traceback

CHANNEL = int(os.environ.pop("NODE_CHANNEL_FD"))
os.environ.pop("NODE_CHANNEL_SERIALIZATION_MODE", None)

# Lambda's Python runtime writes the lines of one error as one log event, separated by carriage returns.
ERROR_LINE_BREAK = "\r"

request_id = ""


def send(message):
    data = (json.dumps(message) + "\n").encode("utf-8")
    while data:
        written = os.write(CHANNEL, data)
        data = data[written:]


def log(text):
    send({"type": "log", "message": text})


class LineLog:
    """sys.stdout and sys.stderr: each complete line is one log event, in order with the results."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self):
        self.pending = ""

    def write(self, text):
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            log(line + "\n")
        return len(text)

    def flush(self):
        if self.pending:
            log(self.pending + "\n")
            self.pending = ""

    def isatty(self):
        return False

    def writable(self):
        return True


class LambdaLogHandler(logging.Handler):
    """The handler Lambda puts on the root logger: `[LEVEL]\\t<UTC time>\\t<request id>\\t<message>`."""

    def emit(self, record):
        try:
            moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            text = self.format(record).replace("\n", ERROR_LINE_BREAK)
            log(f"[{record.levelname}]\t{moment}.{int(record.msecs):03d}Z\t{request_id}\t{text}\n")
        except Exception:
            self.handleError(record)


class FaultException(Exception):
    """A failure of the runtime itself, with Lambda's `Runtime.*` error type."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def memory_mb():
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # Linux counts kilobytes, macOS bytes.
        return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))
    except ImportError:
        return 0


def load_handler(handler):
    """awslambdaric's order and messages: malformed name, import failure, syntax error, missing function."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise FaultException("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {error}")
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise FaultException("Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_name} as a handler module")
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as error:
        raise FaultException("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}")
    except SyntaxError as error:
        trace = [f'  File "{error.filename}" Line {error.lineno}\n', f"    {error.text}"]
        raise FaultException("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}", trace)
    function = getattr(module, function_name, None)
    if function is None:
        raise FaultException("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'")
    return function


def error_result(error, invoke_id):
    """The Invoke payload of an error; the trace leaves out this file's own frames, as Lambda's does."""
    if isinstance(error, FaultException):
        return {"errorMessage": error.message, "errorType": error.error_type, "requestId": invoke_id, "stackTrace": error.trace or []}
    frames = traceback.extract_tb(error.__traceback__)
    while frames and frames[0].filename == __file__:
        frames = frames[1:]
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "requestId": invoke_id,
        "stackTrace": traceback.format_list(frames),
    }


def log_error(result):
    lines = [f"[ERROR] {result['errorType']}: {result['errorMessage']}" if result["errorMessage"] else f"[ERROR] {result['errorType']}"]
    lines.append("Traceback (most recent call last):")
    for element in result["stackTrace"]:
        lines.extend(element.splitlines())
    log(ERROR_LINE_BREAK.join(lines) + "\n")


class CognitoIdentity:
    cognito_identity_id = None
    cognito_identity_pool_id = None


class LambdaContext:
    """The context object: the names and limits of this invocation."""

    def __init__(self, message):
        env = os.environ
        self.aws_request_id = message["requestId"]
        self.invoked_function_arn = message["invokedFunctionArn"]
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = CognitoIdentity()
        self.client_context = None
        self._deadline_ms = message["deadline"]

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def invoke(handler, message):
    global request_id
    request_id = message["requestId"]
    try:
        result = handler(json.loads(message["payload"]), LambdaContext(message))
        try:
            payload = json.dumps(result)
        except (TypeError, ValueError) as error:
            raise FaultException("Runtime.MarshalError", f"Unable to marshal response: {error}")
        sys.stdout.flush()
        send({"type": "result", "requestId": request_id, "payload": payload, "memoryMb": memory_mb()})
    except Exception as error:
        result = error_result(error, request_id)
        sys.stdout.flush()
        log_error(result)
        send({"type": "error", "requestId": request_id, "error": result, "memoryMb": memory_mb()})


def messages():
    """The sandbox's messages, one per line; the channel closing (the sandbox went away) ends the process."""
    pending = b""
    while True:
        chunk = os.read(CHANNEL, 65536)
        if not chunk:
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line:
                yield json.loads(line)


def honour_endpoint_url():
    """boto3 1.28 (botocore 1.31) and later send every call to AWS_ENDPOINT_URL, the sandbox. Older ones
    (Debian 12's python3-boto3 is 1.26) ignore it and would call real AWS: give their clients the
    endpoint as if the handler had passed endpoint_url. The version is read from the package metadata,
    so a handler that never uses boto3 does not pay for importing it."""
    try:
        from importlib.metadata import PackageNotFoundError, version
        parts = version("botocore").split(".")
    except (ImportError, PackageNotFoundError):
        return
    if (int(parts[0]), int(parts[1])) >= (1, 31):
        return
    import botocore.session

    create_client = botocore.session.Session.create_client

    def create_client_at_endpoint(self, *args, **kwargs):
        if kwargs.get("endpoint_url") is None and len(args) < 6:
            kwargs["endpoint_url"] = os.environ.get("AWS_ENDPOINT_URL")
        return create_client(self, *args, **kwargs)

    botocore.session.Session.create_client = create_client_at_endpoint


def main():
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    # The task root first, as on Lambda, and not this file's folder (a handler named `bootstrap` is the learner's).
    sys.path[0] = task_root
    sys.stdout = sys.stderr = LineLog()
    root = logging.getLogger()
    root.handlers = [LambdaLogHandler()]
    honour_endpoint_url()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as error:
        result = error_result(error, "")
        sys.stdout.flush()
        log_error(result)
        send({"type": "initError", "error": result})
        return
    send({"type": "ready"})
    for message in messages():
        if message.get("type") == "invoke":
            invoke(handler, message)


main()
