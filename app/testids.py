"""The ``data-testid`` contract shared by the components, the tests and users' own QA.

Documented in the README; change a value only together with it.
"""

COMPOSER_INPUT = "composer-input"
SEND_BUTTON = "send-button"
STOP_BUTTON = "stop-button"
# One per chat message, with data-role="user|assistant|tool" (and data-group: its fan-out's,
# when it shows inside an opened BRANCHES row).
MESSAGE = "message"
BRANCHES = "branches"  # a large fan-out's branches as one row: data-status, aria-expanded
RUN_STATUS = "run-status"  # data-status="idle|running|replaying|done|error|cancelled|interrupted"
ERROR_BANNER = "error-banner"
RETRY_BUTTON = "retry-button"
THREAD_ID = "thread-id"
NEW_THREAD = "new-thread"
THREAD_ITEM = "thread-item"  # data-thread-id, data-current="true|false"
ASSISTANT_PICKER = "assistant-picker"
EVENT_TREE = "event-tree"
TREE_NODE = "tree-node"  # data-run-id, data-parent-id, data-name, data-kind, data-status,
# data-duration-ms
NODE_DETAILS = "node-details"
HIDE_PLUMBING = "hide-plumbing"
RUN_PICKER = "run-picker"
INTERRUPT = "interrupt"  # one per pending interrupt, data-interrupt-id
INTERRUPT_RESPONSE = "interrupt-response"  # the response box (an action card's message box)
INTERRUPT_SUBMIT = "interrupt-submit"
INTERRUPT_ARGS = "interrupt-args"  # an action card's arguments, edited as JSON
INTERRUPT_APPROVE = "interrupt-approve"
INTERRUPT_EDIT = "interrupt-edit"
INTERRUPT_REJECT = "interrupt-reject"
INTERRUPT_RESPOND = "interrupt-respond"
THINKING = "thinking"  # inside an assistant message: its thinking
PROGRESS = "progress"  # the latest custom event of a node still running
AWAITING_ANSWER = "awaiting-answer"  # after the question, until the run shows something in chat
GRAPH_INPUT_FORM = "graph-input-form"  # instead of the question box, for a graph without messages
GRAPH_INPUT_FIELD = "graph-input-field"  # data-name: one field of that form
MODEL_NUMBERS = "model-numbers"  # in a model's tree node: time to first token, tok/s, tokens
RUN_TOTALS = "run-totals"  # the tree's header: wall time, model and tool calls, tokens
COPY_CODE = "copy-code"  # a code block's copy button, in an answer
TREE_FOLD = "tree-fold"  # folds and unfolds the run tree panel
TREE_RESIZER = "tree-resizer"  # drag to resize the run tree panel
THREADS_TOGGLE = "threads-toggle"  # shows or hides the thread list
SIGN_IN_NAME = "sign-in-name"  # the sign-in page's name box (team password)
SIGN_IN_PASSWORD = "sign-in-password"
SIGN_IN_SUBMIT = "sign-in-submit"
SIGN_IN_ERROR = "sign-in-error"  # a wrong password, a refused name, too many tries
CURRENT_USER = "current-user"  # who is signed in, in the top bar
SIGN_OUT = "sign-out"  # ends the session (team password)
OPEN_ACCESS = "open-access"  # the banner of an exposed app that anyone may use
EXPORT_HTML = "export-html"  # downloads the viewed run as a self-contained HTML page
EXPORT_JSON = "export-json"  # downloads the viewed run as a JSON recording
EXPORT_THREAD_HTML = "export-thread-html"  # the whole thread, as HTML
EXPORT_THREAD_JSON = "export-thread-json"  # the whole thread, as a JSON recording
IMPORT_RECORDING = "import-recording"  # the file input for a JSON recording (drop works too)
REPLAY_BUTTON = "replay-button"  # replays the viewed run from the archive
REPLAY_SPEED = "replay-speed"  # 1, 5, max (as fast as possible) or step
REPLAY_STEP = "replay-step"  # one frame further, when stepping
REPLAY_POSITION = "replay-position"  # the draggable position, when stepping
