"""The line's caches, the one place for their sizes.

A cache is kept only where removing it costs more than 5 % of the instructions of a webhook
step (`bench/instructions.py`, figures in bench/RESULTS.md under "Caches"); each constant says
what it keeps and what it saves (`bench/instructions.py` on 2 CPUs, a Saturday afternoon in
Japan: most desks closed, so an answer says when the desk next opens). The step memo belongs
to one CallFlow and goes with it when routes reload; the document memo is per process and keyed
by the step itself, so after a reload it only holds entries no longer asked for until they age out.
The example sets' memo is not on a step's path: it saves the time of loading routes (a reload,
a check before publishing), each of which would otherwise index the same examples again.
"""

# Steps kept per routes file by CallFlow.press: every place and key, for the minute being
# served (a step depends on the time of the call by its minute only). Without it a desk's
# answer takes 13 % more instructions per step (2,302k → 2,608k), a submenu 1.2 %.
STEPS = 1024

# TwiML documents kept per process by ivr.web.twiml.document: every position, answers at a
# few hours. Without it a step takes 40–65 % more instructions (top menu 2,094k → 2,990k,
# submenu 2,278k → 3,189k, desk answer 2,302k → 3,808k).
DOCUMENTS = 1024

# Sets of callers' example sentences kept per process by ivr.routesfile.examples, by their text:
# the one served and one more. Every load of routes (each reload, each version checked before it
# is published, each app a process makes) reads the examples again; indexing the shipped 2,252
# rows (their n-grams and weights) takes about 60 ms, reading them under 1 ms. Their
# regression's weights (ivr.routesfile.likeliest) are kept the same way, by the file's digest,
# so that the same weights are the same object and the examples' memo finds them.
EXAMPLE_SETS = 2
