extension DeskPage {
    static let style = #"""
        * { box-sizing: border-box; }
        body { font: 15px system-ui, sans-serif; margin: 0; color: #1d1d1f; }
        .bar { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; background: #22313f; color: #fff; }
        .bar h1 { font-size: 1.1rem; margin: 0 auto 0 0; }
        .live { font-size: .85rem; opacity: .8; }
        main { padding: 1rem; }
        #signin { max-width: 22rem; }
        form label { display: block; margin-top: .6rem; font-weight: 600; }
        input, textarea { width: 100%; padding: .4rem; font: inherit; border: 1px solid #888; border-radius: 4px; }
        button { font: inherit; padding: .35rem .8rem; margin-top: .5rem; border-radius: 4px; border: 1px solid #22313f;
          background: #fff; cursor: pointer; }
        button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible {
          outline: 3px solid #f5a623; outline-offset: 2px; }
        .desk { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; }
        [role=tab][aria-selected=true] { background: #22313f; color: #fff; }
        .badge:not(:empty) { background: #c0392b; color: #fff; border-radius: 1rem; padding: 0 .45rem; font-size: .8rem; }
        .list { list-style: none; padding: 0; }
        img.media { display: block; max-width: 18rem; max-height: 18rem; margin-top: .3rem; border-radius: 4px; }
        a.media { display: block; margin-top: .3rem; }
        .media-failed { display: block; color: #c0392b; font-size: .9rem; }
        .list li button { width: 100%; text-align: left; display: block; }
        .list li button[aria-current=true] { border-width: 3px; }
        .muted { color: #666; font-size: .9rem; }
        .error { color: #b00020; }
        .columns { display: grid; grid-template-columns: 1fr 16rem; gap: 1rem; }
        .messages { list-style: none; padding: .5rem; border: 1px solid #ccc; border-radius: 6px; max-height: 28rem; overflow-y: auto; }
        .messages li { margin: .3rem 0; padding: .4rem .6rem; border-radius: 6px; max-width: 85%; white-space: pre-wrap; }
        .messages .customer { background: #dcf1ff; }
        .messages .bot, .messages .system { background: #f1f1f1; margin-left: auto; }
        .messages .agent { background: #e3f7dc; margin-left: auto; }
        .meta { display: block; font-size: .75rem; color: #555; }
        dl dt { font-weight: 600; }
        dl dd { margin: 0 0 .4rem 0; }
        .search { grid-column: 1 / -1; border-bottom: 1px solid #ccc; padding-bottom: .5rem; }
        .search h2 { font-size: 1rem; margin: 0; }
        .search-fields { display: flex; flex-wrap: wrap; gap: .5rem; }
        .search-fields span { flex: 1 1 9rem; }
        select { width: 100%; padding: .4rem; font: inherit; }
        .results { padding-left: 1.2rem; max-height: 20rem; overflow-y: auto; }
        .results li { margin: .3rem 0; }
        .results mark { background: #ffe27a; color: inherit; font-weight: 600; }
        """#
}
