-- stub: being written
SELECT 1;
