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
SIGN_IN_NAME = "sign-in-name"  # the sign-in page's name box (team password)
SIGN_IN_PASSWORD = "sign-in-password"
SIGN_IN_SUBMIT = "sign-in-submit"
SIGN_IN_ERROR = "sign-in-error"  # a wrong password, a refused name, too many tries
CURRENT_USER = "current-user"  # who is signed in, in the top bar
SIGN_OUT = "sign-out"  # ends the session (team password)
OPEN_ACCESS = "open-access"  # the banner of an exposed app that anyone may use
