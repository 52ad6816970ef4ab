"""nbgrader settings for the grader account that runs the cohort's formgrader service.

The course directory (a copy of the repository's ``workbook/``, made by
setup-cohort.sh) is in the grader's home; nbgrader then also reads the
``nbgrader_config.py`` inside it.
"""

import os

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)

c.CourseDirectory.root = os.environ.get(
    "COMPASS_COURSE_ROOT", os.path.expanduser("~/workbook")
)
