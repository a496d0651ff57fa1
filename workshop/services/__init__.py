"""Domain services: the only code that writes to the database.

Every mutation has three parts: authorise (who may do this), validate (is the
input acceptable), resolve (write in one transaction, then publish an event).
"""
