"""Cloud API limits on what one message may carry, as Meta documents them.

Sources (docs/channels/whatsapp.md cites each page): text messages (body up to 4096
characters), media messages (caption up to 1024), interactive reply buttons (at most 3
buttons, title up to 20 characters, id up to 256; body up to 1024; header text 60; footer
60) and interactive list messages (button label 20, at most 10 sections and 10 rows in
all, row title 24, row description 72, row id 200, section title 24).
"""

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_INTERACTIVE_BODY = 1024
MAX_HEADER_TEXT = 60
MAX_FOOTER_TEXT = 60
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_ROWS = 10
MAX_LIST_BUTTON = 20
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_LOCATION_NAME = 1000
# The customer-service window: free-form messages only this long after the customer's
# last message; after it, only an approved template ("Customer service windows").
SERVICE_WINDOW_HOURS = 24
