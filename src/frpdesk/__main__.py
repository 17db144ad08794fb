from frpdesk.cli import main

main()
