DROP TABLE credit_reminders;
DROP TABLE session_reminders;
