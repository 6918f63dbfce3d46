"""Messages between a client (or a delegate acting for them) and the client's
unit, and the unit's bulletins (issue 22, the messages half).

- models.py: threads, messages, read states, bulletins;
- threads.py: starting, answering and handling a thread, and the keyset
  queries of the unit inbox and a client's thread list;
- bulletins.py: a unit's bulletins to a group or to the whole unit;
- events.py: the seam where the notifications part hooks in;
- my_data.py: the client's messages and bulletins in "Omat tietoni";
- forms.py, routes/ (client.py, staff.py), demo.py.

Nothing here but forms.py and routes/ knows of HTTP.
"""
