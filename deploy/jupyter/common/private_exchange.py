"""An nbgrader submit that keeps each submission private to its learner and the grader.

nbgrader's ``ExchangeSubmit`` copies a submission into ``<exchange>/compass/inbound/``
and then makes the files world-readable (0644) and the folder world-writable (0777).
Other learners cannot list the inbound folder (mode 2733), so they would need the
folder's name, which ends in random characters; but anyone who learns it, from a
shared screen or a log, can read, or even replace, the submission.

``PrivateExchangeSubmit`` closes the submission straight after the copy: its folders
become 0770 and its files 0644. The inbound folder is set-group-ID and belongs to the
grader's group, so the folders nbgrader makes in it belong to that group too: the
grader can enter them and collect the files, and nobody but their author and the
grader can even enter. (The files stay readable by "others" because two of them,
``timestamp.txt`` and ``submission_secret.txt``, are written after nbgrader's copy
has cleared the set-group-ID bit, so they keep the learner's own group; the folder
around them is what keeps them private.)
"""

import os

from nbgrader.exchange.default.submit import ExchangeSubmit

FOLDER_MODE = 0o770
FILE_MODE = 0o644


class PrivateExchangeSubmit(ExchangeSubmit):
    """``nbgrader submit`` whose submission only its author and the grader can read."""

    def copy_files(self) -> None:
        """Submit as nbgrader does, then make the submission private."""
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _, files in os.walk(submission, topdown=False):
            for name in files:
                os.chmod(os.path.join(folder, name), FILE_MODE)
            os.chmod(folder, FOLDER_MODE)
        inbound_group = os.stat(self.inbound_path).st_gid
        if os.stat(submission).st_gid != inbound_group:
            self.log.warning(
                "Submission %s is not in the group of %s: the grader may not be able to "
                "collect it. Ask the hub administrator to run deploy/setup-cohort.sh.",
                submission, self.inbound_path,
            )
