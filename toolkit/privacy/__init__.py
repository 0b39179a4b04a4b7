"""Personal data (``toolkit rgpd``): give a person everything held on them, erase them from
every copy the toolkit keeps, purge the complaints kept longer than the retention period."""
