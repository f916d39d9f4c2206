-- Requests never change a stored key or an access-log event: key rotation runs as the owner
-- (`casework keys rotate`), and erasure destroys keys and clears event details inside
-- casework_erase_case, which runs with the owner's rights. Without these grants a request
-- (or an injection through one) cannot crypto-shred a case or remove the reason a colleague
-- gave for opening it.
REVOKE UPDATE ON "data_keys" FROM casework_request;
REVOKE UPDATE ("detail") ON "audit_events" FROM casework_request;
