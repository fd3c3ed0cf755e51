DELETE FROM catalogue_locks WHERE name = 'mentoring_pairs';
DROP TABLE mentoring_contacts;
DROP TABLE mentoring_pairs;
DROP TABLE mentoring_request_topics;
DROP TABLE mentoring_requests;
