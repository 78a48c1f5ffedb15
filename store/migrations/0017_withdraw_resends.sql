-- A resend waiting in the queue (for business hours, say) is withdrawn as
-- soon as its person acknowledges anything: by reply, link or a call that
-- reached them. The running counts follow through the notice triggers.
CREATE TRIGGER resends_withdrawn_on_ack AFTER INSERT ON acks WHEN NOT NEW.auto BEGIN
	DELETE FROM notices WHERE contact_id = NEW.contact_id AND state = 'queued' AND round > 0;
END;
