DROP TABLE calendar_feed_tokens;
DROP TABLE session_attachments;
DROP TABLE session_case_examples;
DROP TABLE session_documentation;
