DROP TABLE practice_tip_documents;
DROP TABLE practice_tip_topics;
DROP TABLE practice_tips;
