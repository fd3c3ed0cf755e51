DROP TABLE participant_topics;
