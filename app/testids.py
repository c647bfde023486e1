"""The ``data-testid`` contract shared by the components, the tests and users' own QA.

Documented in the README; change a value only together with it.
"""

COMPOSER_INPUT = "composer-input"
SEND_BUTTON = "send-button"
STOP_BUTTON = "stop-button"
MESSAGE = "message"  # one per chat message, with data-role="user|assistant|tool"
RUN_STATUS = "run-status"  # data-status="idle|running|done|error|cancelled"
ERROR_BANNER = "error-banner"
RETRY_BUTTON = "retry-button"
THREAD_ID = "thread-id"
NEW_THREAD = "new-thread"
THREAD_ITEM = "thread-item"  # data-thread-id, data-current="true|false"
ASSISTANT_PICKER = "assistant-picker"
EVENT_TREE = "event-tree"
TREE_NODE = "tree-node"  # data-run-id, data-parent-id, data-name, data-kind, data-status
NODE_DETAILS = "node-details"
HIDE_PLUMBING = "hide-plumbing"
RUN_PICKER = "run-picker"
MODEL_NUMBERS = "model-numbers"  # in a model's tree node: time to first token, tok/s, usage
RUN_TOTALS = "run-totals"  # the tree's header: wall time, model and tool calls, tokens
COPY_CODE = "copy-code"  # a code block's copy button, in an answer
TREE_FOLD = "tree-fold"  # folds and unfolds the run tree panel
TREE_RESIZER = "tree-resizer"  # drag to resize the run tree panel
THREADS_TOGGLE = "threads-toggle"  # shows or hides the thread list
