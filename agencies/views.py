from django.shortcuts import render

from . import selectors
from .forms import DirectoryDateForm


def directory(request):
    """Public directory: agencies in force on a day (today, or ?ngay=YYYY-MM-DD) as a tree."""
    form = DirectoryDateForm(request.GET or None)
    day = form.day()
    groups = selectors.directory_tree(day=day)
    return render(request, "agencies/directory.html", {"form": form, "day": day, "groups": groups})
