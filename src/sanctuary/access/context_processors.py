def sanctuary(request):
    return {}
