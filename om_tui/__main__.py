from om_tui.cli import main

raise SystemExit(main())
