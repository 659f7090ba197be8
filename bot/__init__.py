"""glossary-bot: a team's AI glossary, answered in Slack."""

import os

# The meaning lane multiplies one question's vector by every term's (a 10,000 x 256 product): a job for one core.
# numpy's BLAS would otherwise start a thread per core for it and, on a machine whose cores are busy serving other
# requests, wait for them: on 2 busy cores the median product took 9.9 ms that way and 0.12 ms on one thread.
# Set before numpy is first imported; an operator's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
