-- Which of the file's columns held data the import did not take (issue 17):
-- their headers as written, for the import's history. Bounded here as at
-- the door: at most 100 headers (the column limit) of at most 1,000
-- characters each. Imports stored before this column existed keep '{}'
-- unless their columns document already listed them.
ALTER TABLE imports ADD COLUMN left_out text[] NOT NULL DEFAULT '{}'
    CONSTRAINT imports_left_out_bounded CHECK (
        cardinality(left_out) <= 100
        AND octet_length(array_to_string(left_out, '')) <= 400000
    );

UPDATE imports
SET left_out = ARRAY(
    SELECT left(header, 1000)
    FROM jsonb_array_elements_text(columns -> 'left_out') WITH ORDINALITY AS h (header, n)
    ORDER BY n
    LIMIT 100
)
WHERE jsonb_typeof(columns -> 'left_out') = 'array';
