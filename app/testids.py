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
