from sanctuary.cli import build_parser


def test_the_command_line_lists_its_subcommands():
    assert "COMMAND" in build_parser().format_usage()
