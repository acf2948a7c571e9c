-- Wakes the outbox relays the moment a transaction that wrote outbox rows commits (NOTIFY is delivered on
-- commit); their poll is only the safety net for a notification lost with a connection.
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('nubicustos_outbox', '');
    return null;
end $$;
create trigger outbox_inserted after insert on outbox for each statement execute function outbox_notify();
