"""The line's caches, the one place for their sizes.

A cache is kept only where removing it costs more than 5 % of the instructions of a webhook
step (`bench/instructions.py`, figures in bench/RESULTS.md under "Caches"); each constant says
what it keeps and what it saves. Both live with the routes being served: the step memo belongs
to one CallFlow, made again when routes reload.
"""

# Steps kept per routes file by CallFlow.press: every place and key, for the minute being
# served (a step depends on the time of the call by its minute only). Without it a desk's
# answer takes 5.6 % more instructions per step (2,330k → 2,461k), a submenu 1.3 %; earlier
# measured at 5.5–13 %.
STEPS = 1024

# TwiML documents kept per process by ivr.web.twiml.document: every position, answers at a
# few hours. Without it a step takes 39–64 % more instructions (top menu 2,120k → 3,021k,
# submenu 2,307k → 3,210k, desk answer 2,330k → 3,828k).
DOCUMENTS = 1024
