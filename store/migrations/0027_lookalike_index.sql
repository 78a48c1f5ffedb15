-- The contacts held back because an address may imitate the
-- organisation's or a master's domain (rule lookalike, notify/classify):
-- the dashboard counts them on every visit and the contact list narrows to
-- them, reading only them. There are few, and a person deciding one takes
-- it out (rule manual).
CREATE INDEX contacts_lookalike ON contacts(id) WHERE rule = 'lookalike';
