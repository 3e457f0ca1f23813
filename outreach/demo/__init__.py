"""The demo data set a first start shows (``flask outreach demo-data``): the city's real schools
with invented contacts, invented residents, plans, answers and outcomes, published and invented
coverage figures. Idempotent. Built through the same services the app uses, never by writing rows
the services would refuse, each step at the moment it would have happened (``timeline``)."""
