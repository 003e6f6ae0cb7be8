-- An index every notification paid for and no query reads: notifications are
-- listed by user (notifications_user), found by id and pruned by id (the
-- primary key), never looked up by shop. An order records two notifications
-- (its confirmation email and its shop's notice), each one index entry
-- fewer now.
DROP INDEX notifications_shop;
