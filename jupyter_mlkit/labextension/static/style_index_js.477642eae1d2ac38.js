"use strict";(self.rspackChunkmlkit_labextension=self.rspackChunkmlkit_labextension||[]).push([["style_index_js"],{"./node_modules/css-loader/dist/cjs.js!./style/base.css"(o,t,r){var e=r("./node_modules/css-loader/dist/runtime/noSourceMaps.js"),i=r.n(e),n=r("./node_modules/css-loader/dist/runtime/api.js"),l=(r.n(n))()(i());l.push([o.id,`/* mlkit study map and quiz panel: only JupyterLab theme variables, so light and dark both read well. */

.mlkit-StudyMap,
.mlkit-QuizPanel {
  background: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
  font-family: var(--jp-ui-font-family);
  font-size: var(--jp-ui-font-size1);
  overflow-y: auto;
}

.mlkit-StudyMap-content {
  padding: 8px 10px 16px;
}

.mlkit-StudyMap-title,
.mlkit-QuizPanel-title {
  font-size: var(--jp-ui-font-size3);
  font-weight: 600;
  margin: 4px 0 2px;
  color: var(--jp-ui-font-color0);
}

.mlkit-StudyMap-summary {
  margin: 0 0 6px;
  color: var(--jp-ui-font-color2);
}

.mlkit-StudyMap-tools,
.mlkit-topic-actions,
.mlkit-QuizPanel-actions {
  display: flex;
  flex-wrap: wrap;
  gap: 6px;
}

.mlkit-button {
  font: inherit;
  color: var(--jp-ui-font-color1);
  background: var(--jp-layout-color2);
  border: 1px solid var(--jp-border-color1);
  border-radius: var(--jp-border-radius, 2px);
  padding: 3px 8px;
  cursor: pointer;
}

.mlkit-button:hover:not(:disabled) {
  background: var(--jp-layout-color3);
}

.mlkit-button:focus-visible,
.mlkit-option input:focus-visible {
  outline: 2px solid var(--jp-brand-color1);
  outline-offset: 1px;
}

.mlkit-button:disabled {
  color: var(--jp-ui-font-color3);
  cursor: default;
  opacity: 0.7;
}

.mlkit-next,
.mlkit-check,
.mlkit-next-question {
  background: var(--jp-brand-color1);
  border-color: var(--jp-brand-color1);
  color: var(--jp-ui-inverse-font-color1);
}

.mlkit-next:hover:not(:disabled),
.mlkit-check:hover:not(:disabled),
.mlkit-next-question:hover:not(:disabled) {
  background: var(--jp-brand-color0);
}

.mlkit-banner {
  margin: 8px 0;
  padding: 6px 8px;
  border-radius: var(--jp-border-radius, 2px);
  border-left: 4px solid;
  background: var(--jp-layout-color2);
  color: var(--jp-ui-font-color1);
}

.mlkit-warning {
  border-color: var(--jp-warn-color1);
}

.mlkit-error {
  border-color: var(--jp-error-color1);
}

.mlkit-warning-text {
  margin: 4px 0;
  word-break: break-word;
}

.mlkit-topics {
  list-style: none;
  margin: 8px 0 0;
  padding: 0;
}

.mlkit-topic {
  border: 1px solid var(--jp-border-color2);
  border-left: 4px solid var(--jp-border-color2);
  border-radius: var(--jp-border-radius, 2px);
  padding: 6px 8px;
  margin-bottom: 6px;
  background: var(--jp-layout-color1);
}

.mlkit-topic.mlkit-state-opened {
  border-left-color: var(--jp-warn-color1);
}

.mlkit-topic.mlkit-state-completed {
  border-left-color: var(--jp-success-color1);
}

.mlkit-topic.mlkit-is-next {
  border-color: var(--jp-brand-color1);
}

.mlkit-topic-head {
  display: flex;
  gap: 6px;
  font-weight: 600;
  color: var(--jp-ui-font-color0);
}

.mlkit-topic-number {
  color: var(--jp-ui-font-color2);
  min-width: 1.5em;
}

.mlkit-topic-facts {
  display: flex;
  flex-wrap: wrap;
  gap: 4px;
  margin: 4px 0;
}

.mlkit-badge {
  font-size: var(--jp-ui-font-size0);
  padding: 1px 6px;
  border-radius: 8px;
  background: var(--jp-layout-color2);
  color: var(--jp-ui-font-color1);
  border: 1px solid var(--jp-border-color2);
}

.mlkit-state-completed .mlkit-topic-state {
  border-color: var(--jp-success-color1);
}

.mlkit-state-opened .mlkit-topic-state {
  border-color: var(--jp-warn-color1);
}

.mlkit-topic-notebook {
  font-family: var(--jp-code-font-family);
  font-size: var(--jp-ui-font-size0);
  color: var(--jp-ui-font-color2);
}

.mlkit-topic-features {
  font-size: var(--jp-ui-font-size0);
  color: var(--jp-ui-font-color2);
  margin: 2px 0 6px;
}

.mlkit-QuizPanel-content {
  max-width: 52em;
  padding: 12px 20px 24px;
}

.mlkit-QuizPanel-position,
.mlkit-QuizPanel-running {
  color: var(--jp-ui-font-color2);
}

.mlkit-QuizPanel-question {
  border: 0;
  padding: 0;
  margin: 0 0 10px;
  min-width: 0;
}

/* a legend that flows like a paragraph (no border to sit in) */
.mlkit-QuizPanel-scenario {
  float: left;
  width: 100%;
  padding: 0;
  margin: 0 0 8px;
  font-size: var(--jp-ui-font-size2);
  color: var(--jp-ui-font-color0);
  line-height: 1.4;
}

.mlkit-QuizPanel-scenario + * {
  clear: both;
}

.mlkit-option {
  padding: 4px 6px;
  margin: 4px 0;
  border: 1px solid var(--jp-border-color2);
  border-left: 4px solid var(--jp-border-color2);
  border-radius: var(--jp-border-radius, 2px);
}

.mlkit-option-label {
  display: flex;
  gap: 6px;
  align-items: baseline;
  cursor: pointer;
  line-height: 1.4;
}

.mlkit-option-key {
  font-weight: 600;
}

.mlkit-option.mlkit-right {
  border-left-color: var(--jp-success-color1);
  background: var(--jp-layout-color2);
}

.mlkit-option.mlkit-wrong {
  border-left-color: var(--jp-error-color1);
}

.mlkit-option-why {
  margin: 4px 0 2px 1.8em;
  color: var(--jp-ui-font-color1);
}

.mlkit-QuizPanel-verdict {
  font-weight: 600;
}

.mlkit-QuizPanel-verdict.mlkit-right {
  color: var(--jp-success-color0);
}

.mlkit-QuizPanel-verdict.mlkit-wrong {
  color: var(--jp-error-color0);
}

.mlkit-QuizPanel-score {
  font-size: var(--jp-ui-font-size2);
  font-weight: 600;
}

.mlkit-option-chosen {
  margin-left: auto;
  white-space: nowrap;
  align-self: center;
  border-color: var(--jp-brand-color1);
}
`,""]),r.d(t,{},{A:l})},"./node_modules/css-loader/dist/runtime/api.js"(o){o.exports=function(o){var t=[];return t.toString=function(){return this.map(function(t){var r="",e=void 0!==t[5];return t[4]&&(r+="@supports (".concat(t[4],") {")),t[2]&&(r+="@media ".concat(t[2]," {")),e&&(r+="@layer".concat(t[5].length>0?" ".concat(t[5]):""," {")),r+=o(t),e&&(r+="}"),t[2]&&(r+="}"),t[4]&&(r+="}"),r}).join("")},t.i=function(o,r,e,i,n){"string"==typeof o&&(o=[[null,o,void 0]]);var l={};if(e)for(var a=0;a<this.length;a++){var s=this[a][0];null!=s&&(l[s]=!0)}for(var d=0;d<o.length;d++){var c=[].concat(o[d]);e&&l[c[0]]||(void 0!==n&&(void 0===c[5]||(c[1]="@layer".concat(c[5].length>0?" ".concat(c[5]):""," {").concat(c[1],"}")),c[5]=n),r&&(c[2]&&(c[1]="@media ".concat(c[2]," {").concat(c[1],"}")),c[2]=r),i&&(c[4]?(c[1]="@supports (".concat(c[4],") {").concat(c[1],"}"),c[4]=i):c[4]="".concat(i)),t.push(c))}},t}},"./node_modules/css-loader/dist/runtime/noSourceMaps.js"(o){o.exports=function(o){return o[1]}},"./node_modules/style-loader/dist/runtime/injectStylesIntoStyleTag.js"(o){var t=[];function r(o){for(var r=-1,e=0;e<t.length;e++)if(t[e].identifier===o){r=e;break}return r}function e(o,e){for(var i={},n=[],l=0;l<o.length;l++){var a=o[l],s=e.base?a[0]+e.base:a[0],d=i[s]||0,c="".concat(s," ").concat(d);i[s]=d+1;var p=r(c),u={css:a[1],media:a[2],sourceMap:a[3],supports:a[4],layer:a[5]};if(-1!==p)t[p].references++,t[p].updater(u);else{var m=function(o,t){var r=t.domAPI(t);return r.update(o),function(t){t?(t.css!==o.css||t.media!==o.media||t.sourceMap!==o.sourceMap||t.supports!==o.supports||t.layer!==o.layer)&&r.update(o=t):r.remove()}}(u,e);e.byIndex=l,t.splice(l,0,{identifier:c,updater:m,references:1})}n.push(c)}return n}o.exports=function(o,i){var n=e(o=o||[],i=i||{});return function(o){o=o||[];for(var l=0;l<n.length;l++){var a=r(n[l]);t[a].references--}for(var s=e(o,i),d=0;d<n.length;d++){var c=r(n[d]);0===t[c].references&&(t[c].updater(),t.splice(c,1))}n=s}}},"./node_modules/style-loader/dist/runtime/insertBySelector.js"(o){var t={};o.exports=function(o,r){var e=function(o){if(void 0===t[o]){var r=document.querySelector(o);if(window.HTMLIFrameElement&&r instanceof window.HTMLIFrameElement)try{r=r.contentDocument.head}catch(o){r=null}t[o]=r}return t[o]}(o);if(!e)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");e.appendChild(r)}},"./node_modules/style-loader/dist/runtime/insertStyleElement.js"(o){o.exports=function(o){var t=document.createElement("style");return o.setAttributes(t,o.attributes),o.insert(t,o.options),t}},"./node_modules/style-loader/dist/runtime/setAttributesWithoutAttributes.js"(o,t,r){o.exports=function(o){var t=r.nc;t&&o.setAttribute("nonce",t)}},"./node_modules/style-loader/dist/runtime/styleDomAPI.js"(o){o.exports=function(o){if("u"<typeof document)return{update:function(){},remove:function(){}};var t=o.insertStyleElement(o);return{update:function(r){var e,i,n;e="",r.supports&&(e+="@supports (".concat(r.supports,") {")),r.media&&(e+="@media ".concat(r.media," {")),(i=void 0!==r.layer)&&(e+="@layer".concat(r.layer.length>0?" ".concat(r.layer):""," {")),e+=r.css,i&&(e+="}"),r.media&&(e+="}"),r.supports&&(e+="}"),(n=r.sourceMap)&&"u">typeof btoa&&(e+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(n))))," */")),o.styleTagTransform(e,t,o.options)},remove:function(){var o;null===(o=t).parentNode||o.parentNode.removeChild(o)}}}},"./node_modules/style-loader/dist/runtime/styleTagTransform.js"(o){o.exports=function(o,t){if(t.styleSheet)t.styleSheet.cssText=o;else{for(;t.firstChild;)t.removeChild(t.firstChild);t.appendChild(document.createTextNode(o))}}},"./style/index.js"(o,t,r){var e=r("./node_modules/style-loader/dist/runtime/injectStylesIntoStyleTag.js"),i=r.n(e),n=r("./node_modules/style-loader/dist/runtime/styleDomAPI.js"),l=r.n(n),a=r("./node_modules/style-loader/dist/runtime/insertBySelector.js"),s=r.n(a),d=r("./node_modules/style-loader/dist/runtime/setAttributesWithoutAttributes.js"),c=r.n(d),p=r("./node_modules/style-loader/dist/runtime/insertStyleElement.js"),u=r.n(p),m=r("./node_modules/style-loader/dist/runtime/styleTagTransform.js"),f=r.n(m),v=r("./node_modules/css-loader/dist/cjs.js!./style/base.css"),b={};b.styleTagTransform=f(),b.setAttributes=c(),b.insert=s().bind(null,"head"),b.domAPI=l(),b.insertStyleElement=u(),i()(v.A,b),v.A&&v.A.locals&&v.A.locals}}]);